import { describe, expect, it } from 'vitest'
import { layoutTable } from '../../../src/renderer/src/results/png.ts'
import { resultsTable, tableCsv, variantResults } from '../../../src/renderer/src/results/table.ts'
import { makeRun } from './fake-lab.ts'

const summary = (top1: number, top5?: number) => ({
  'eval/top1': { last: top1, lastStep: 1000, best: top1, min: 0, max: top1 },
  ...(top5 === undefined ? {} : { 'eval/top5': { last: top5, lastStep: 1000, best: top5, min: 0, max: top5 } })
})

describe('variantResults and resultsTable', () => {
  const runs = [
    makeRun({ variant: 'U', seed: 1, summary: summary(92, 99), trainSeconds: 80_000 }),
    makeRun({ variant: 'O', seed: 1, summary: summary(86, 98), trainSeconds: 3600 * 18 }),
    makeRun({ variant: 'O', seed: 2, summary: summary(90, 99), trainSeconds: 3600 * 19 }),
    makeRun({ variant: 'O', seed: 3, summary: summary(82, 97), trainSeconds: 3600 * 18 + 60 * 81 }),
    makeRun({ variant: 'O', seed: 4, status: 'running', summary: summary(10) }),
    makeRun({ variant: 'L', seed: 1, status: 'failed', summary: summary(5) })
  ]

  it('orders columns S, O, L, U, U+ and counts only finished runs', () => {
    const results = variantResults(runs)
    expect(results.map((r) => r.variant)).toEqual(['O', 'L', 'U'])
    const o = results[0]!
    expect(o.top1).toEqual([86, 90, 82])
    expect(o.pending).toBe(1)
    expect(results[1]!.top1).toEqual([])
    expect(results[1]!.failed).toBe(1)
  })

  it('shows mean ± sample std over seeds, mean train time and seed counts', () => {
    const table = resultsTable(variantResults(runs))
    expect(table.header).toEqual(['Model', 'FixMatch (O)', 'FixMatch + SimCLR (L)', 'FixMatch + pairwise (U)'])
    const row = (label: string) => table.rows.find((r) => r.label === label)!.cells
    // mean 86, sample std 4
    expect(row('Top-1')).toEqual(['86.0 ± 4.0', '-', '92.0'])
    expect(row('Top-5')[0]).toBe('98.0 ± 1.0')
    // (18h + 19h + 19h 21m) / 3 = 18h 47m
    expect(row('Train time')).toEqual(['18h 47m', '-', '22h 13m'])
    expect(row('Seeds')).toEqual(['3 (1 to come)', '0 (1 failed)', '1'])
  })

  it('counts a retried seed once, by its latest finished run', () => {
    const twice = [makeRun({ id: 100, variant: 'O', seed: 1, summary: summary(50) }), makeRun({ id: 101, variant: 'O', seed: 1, summary: summary(70) })]
    expect(variantResults(twice)[0]!.top1).toEqual([70])
  })
})

describe('tableCsv', () => {
  it('writes one line per row and quotes cells with commas or quotes', () => {
    const csv = tableCsv({ header: ['Model', 'FixMatch (O)'], rows: [{ label: 'Top-1', cells: ['86.0 ± 4.0'] }, { label: 'Note', cells: ['a, "b"'] }] })
    expect(csv).toBe('Model,FixMatch (O)\r\nTop-1,86.0 ± 4.0\r\nNote,"a, ""b"""\r\n')
  })

  it('exports the table the view shows', () => {
    const table = resultsTable(variantResults([makeRun({ variant: 'S', seed: 1, summary: summary(40.04), trainSeconds: 59 })]))
    expect(tableCsv(table).split('\r\n').slice(0, 4)).toEqual(['Model,Supervised (S)', 'Top-1,40.0', 'Top-5,-', 'Train time,59s'])
  })
})

describe('layoutTable', () => {
  it('sizes columns from the widest text and stacks one row per line', () => {
    const table = { header: ['Model', 'FixMatch (O)'], rows: [{ label: 'Top-1', cells: ['a very long cell text'] }] }
    const layout = layoutTable(table, (text) => text.length * 10)
    expect(layout.columnWidths[1]).toBe(21 * 10 + 28)
    expect(layout.columnX[1]).toBe(layout.columnX[0]! + layout.columnWidths[0]!)
    expect(layout.height).toBe(32 + 2 * layout.rowHeight)
  })
})
