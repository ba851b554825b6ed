// The results table as a PNG: its title lines above (what was trained, the
// statistic), laid out from measured text (a pure step, so it can be tested),
// then drawn on a canvas with each row's best value in bold.
import type { Variant } from '../../../shared/config.ts'
import { bestColumns } from '../../../shared/results/best.ts'
import { VARIANT_COLOURS } from '../charts/colours.ts'
import type { ResultsTable } from './table.ts'

export interface TableLayout {
  width: number
  height: number
  columnX: number[]
  columnWidths: number[]
  rowHeight: number
  /** where the table starts, below the title lines */
  tableTop: number
}

const PADDING = 16
const CELL_PADDING = 14
const ROW_HEIGHT = 34
const CAPTION_HEIGHT = 22

export function layoutTable(table: ResultsTable, measure: (text: string, bold: boolean) => number, caption: readonly string[] = []): TableLayout {
  const lines = [table.header, ...table.rows.map((row) => [row.label, ...row.cells])]
  const columnWidths = table.header.map((_, column) =>
    Math.ceil(Math.max(...lines.map((line, row) => measure(line[column] ?? '', row === 0 || column === 0))) + 2 * CELL_PADDING)
  )
  const columnX: number[] = []
  let x = PADDING
  for (const width of columnWidths) {
    columnX.push(x)
    x += width
  }
  const captionWidth = Math.max(0, ...caption.map((line, i) => Math.ceil(measure(line, i === 0))))
  const tableTop = PADDING + (caption.length ? caption.length * CAPTION_HEIGHT + 8 : 0)
  return {
    width: Math.max(x, PADDING + captionWidth) + PADDING,
    height: tableTop + PADDING + ROW_HEIGHT * lines.length,
    columnX,
    columnWidths,
    rowHeight: ROW_HEIGHT,
    tableTop
  }
}

const FONT = '14px system-ui, -apple-system, "Segoe UI", sans-serif'
const BOLD = `600 ${FONT}`

/** Draws the title lines and the table; `variants` gives each column's variant for its colour mark. */
export function drawTable(canvas: HTMLCanvasElement, table: ResultsTable, variants: readonly Variant[], caption: readonly string[] = [], scale = 2): void {
  const context = canvas.getContext('2d')
  if (!context) throw new Error('This browser cannot draw on a canvas, so the table cannot be saved as PNG.')
  const measure = (text: string, bold: boolean) => {
    context.font = bold ? BOLD : FONT
    return context.measureText(text).width
  }
  const layout = layoutTable(table, measure, caption)
  // draw at 2x so the image stays sharp in slides and papers
  canvas.width = layout.width * scale
  canvas.height = layout.height * scale
  context.scale(scale, scale)
  context.fillStyle = '#ffffff'
  context.fillRect(0, 0, layout.width, layout.height)
  context.textBaseline = 'middle'
  caption.forEach((line, i) => {
    context.font = i === 0 ? BOLD : FONT
    context.fillStyle = i === 0 ? '#1f2328' : '#4b5563'
    context.fillText(line, PADDING, PADDING + i * CAPTION_HEIGHT + CAPTION_HEIGHT / 2)
  })
  const best = [[], ...table.rows.map((row) => bestColumns(row).map((column) => column + 1))]
  const lines = [table.header, ...table.rows.map((row) => [row.label, ...row.cells])]
  lines.forEach((line, row) => {
    const top = layout.tableTop + row * layout.rowHeight
    if (row === 0) {
      context.fillStyle = '#f3f4f6'
      context.fillRect(PADDING, top, layout.columnX.at(-1)! + layout.columnWidths.at(-1)! - PADDING, layout.rowHeight)
    }
    line.forEach((text, column) => {
      const x = layout.columnX[column]!
      if (row === 0 && column > 0) {
        context.fillStyle = VARIANT_COLOURS[variants[column - 1]!]
        context.fillRect(x + 4, top + 8, 4, layout.rowHeight - 16)
      }
      context.font = row === 0 || column === 0 || best[row]!.includes(column) ? BOLD : FONT
      context.fillStyle = '#1f2328'
      context.fillText(text, x + CELL_PADDING, top + layout.rowHeight / 2)
    })
    context.strokeStyle = '#d8dbe0'
    context.beginPath()
    context.moveTo(PADDING, top + layout.rowHeight + 0.5)
    context.lineTo(layout.columnX.at(-1)! + layout.columnWidths.at(-1)!, top + layout.rowHeight + 0.5)
    context.stroke()
  })
}

export function canvasToBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The browser could not encode the PNG.'))), 'image/png')
  )
}
