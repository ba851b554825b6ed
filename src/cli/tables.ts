// Plain text tables and run labels for the queue and runs listings.
import type { RunRecord } from '../shared/api.ts'

export function runLabel(run: Pick<RunRecord, 'variant' | 'seed' | 'config'>): string {
  return `${run.variant} seed ${run.seed} (${run.config.dataset}, ${run.config.labelsPerClass}/class)`
}

export function printTable(header: string[], rows: string[][], write: (line: string) => void = (line) => console.log(line)): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  write(line(header))
  for (const row of rows) write(line(row))
}
