// The results table as a PNG: laid out from measured text (a pure step, so it
// can be tested), then drawn on a canvas.
import type { Variant } from '../../../shared/config.ts'
import { VARIANT_COLOURS } from '../charts/colours.ts'
import type { ResultsTable } from './table.ts'

export interface TableLayout {
  width: number
  height: number
  columnX: number[]
  columnWidths: number[]
  rowHeight: number
}

const PADDING = 16
const CELL_PADDING = 14
const ROW_HEIGHT = 34

export function layoutTable(table: ResultsTable, measure: (text: string, bold: boolean) => number): TableLayout {
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
  return { width: x + PADDING, height: PADDING * 2 + ROW_HEIGHT * lines.length, columnX, columnWidths, rowHeight: ROW_HEIGHT }
}

const FONT = '14px system-ui, -apple-system, "Segoe UI", sans-serif'
const BOLD = `600 ${FONT}`

/** Draws the table; `variants` gives each column's variant for its colour mark. */
export function drawTable(canvas: HTMLCanvasElement, table: ResultsTable, variants: readonly Variant[], scale = 2): void {
  const context = canvas.getContext('2d')
  if (!context) throw new Error('This browser cannot draw on a canvas, so the table cannot be saved as PNG.')
  const measure = (text: string, bold: boolean) => {
    context.font = bold ? BOLD : FONT
    return context.measureText(text).width
  }
  const layout = layoutTable(table, measure)
  // draw at 2x so the image stays sharp in slides and papers
  canvas.width = layout.width * scale
  canvas.height = layout.height * scale
  context.scale(scale, scale)
  context.fillStyle = '#ffffff'
  context.fillRect(0, 0, layout.width, layout.height)
  context.textBaseline = 'middle'
  const lines = [table.header, ...table.rows.map((row) => [row.label, ...row.cells])]
  lines.forEach((line, row) => {
    const top = PADDING + row * layout.rowHeight
    if (row === 0) {
      context.fillStyle = '#f3f4f6'
      context.fillRect(PADDING, top, layout.width - 2 * PADDING, layout.rowHeight)
    }
    line.forEach((text, column) => {
      const x = layout.columnX[column]!
      if (row === 0 && column > 0) {
        context.fillStyle = VARIANT_COLOURS[variants[column - 1]!]
        context.fillRect(x + 4, top + 8, 4, layout.rowHeight - 16)
      }
      context.font = row === 0 || column === 0 ? BOLD : FONT
      context.fillStyle = '#1f2328'
      context.fillText(text, x + CELL_PADDING, top + layout.rowHeight / 2)
    })
    context.strokeStyle = '#d8dbe0'
    context.beginPath()
    context.moveTo(PADDING, top + layout.rowHeight + 0.5)
    context.lineTo(layout.width - PADDING, top + layout.rowHeight + 0.5)
    context.stroke()
  })
}

export function canvasToBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The browser could not encode the PNG.'))), 'image/png')
  )
}
