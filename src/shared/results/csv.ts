// RFC 4180 CSV for the results exports: numbers as plain numbers (full precision,
// empty when there is none), text quoted only when it has to be.
export type CsvCell = string | number | null | undefined

function csvCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) return ''
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : ''
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell
}

/** The lines, CRLF-terminated as RFC 4180 has it. */
export function csvText(lines: readonly (readonly CsvCell[])[]): string {
  return lines.map((line) => line.map(csvCell).join(',')).join('\r\n') + '\r\n'
}
