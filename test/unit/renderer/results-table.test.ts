import { describe, expect, it } from 'vitest'
import { drawTable, layoutTable } from '../../../src/renderer/src/results/png.ts'
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
    const row = (key: string) => table.rows.find((r) => r.key === key)!.cells
    // mean 86, sample std 4, over 3 seeds; the final evaluation unless asked otherwise
    expect(table.rows[0]!.label).toBe('Top-1 (final evaluation)')
    expect(row('top-1')).toEqual(['86.0 ± 4.0 (n=3)', '-', '92.0 (n=1)'])
    expect(row('top-5')[0]).toBe('98.0 ± 1.0')
    // (18h + 19h + 19h 21m) / 3 = 18h 47m
    expect(row('train-time')).toEqual(['18h 47m', '-', '22h 13m'])
    expect(row('seeds')).toEqual(['3 (1 to come)', '0 (1 failed)', '1'])
  })

  it('counts a retried seed once, by its latest finished run', () => {
    const twice = [makeRun({ id: 100, variant: 'O', seed: 1, summary: summary(50) }), makeRun({ id: 101, variant: 'O', seed: 1, summary: summary(70) })]
    expect(variantResults(twice)[0]!.top1).toEqual([70])
  })
})

describe('tableCsv', () => {
  it('writes one line per row and quotes cells with commas or quotes', () => {
    const csv = tableCsv({
      header: ['Model', 'FixMatch (O)'],
      rows: [
        { label: 'Top-1', cells: ['86.0 ± 4.0'] },
        { label: 'Note', cells: ['a, "b"'] }
      ]
    })
    expect(csv).toBe('Model,FixMatch (O)\r\nTop-1,86.0 ± 4.0\r\nNote,"a, ""b"""\r\n')
  })

  it('exports the table the view shows', () => {
    const table = resultsTable(variantResults([makeRun({ variant: 'S', seed: 1, summary: summary(40.04), trainSeconds: 59 })]))
    expect(tableCsv(table).split('\r\n').slice(0, 4)).toEqual([
      'Model,Supervised (S)',
      'Top-1 (final evaluation),40.0 (n=1)',
      'Top-5 (final evaluation),-',
      'Train time,59s'
    ])
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

// O and U on one split, seeds 1-3, with all three statistics (O's seed 3 had 12 evaluations)
const results = (final: number, best: number, median: number, n = 20) => ({ final, best, medianLast20: { value: median, n } })
const studyRuns = () => [
  makeRun({ variant: 'O', seed: 1, summary: summary(80), results: results(80, 85, 79) }),
  makeRun({ variant: 'O', seed: 2, summary: summary(82), results: results(82, 86, 81) }),
  makeRun({ variant: 'O', seed: 3, summary: summary(84), results: results(84, 90, 83, 12) }),
  makeRun({ variant: 'U', seed: 1, summary: summary(82), results: results(82, 86, 81) }),
  makeRun({ variant: 'U', seed: 2, summary: summary(85), results: results(85, 88, 84) }),
  makeRun({ variant: 'U', seed: 3, summary: summary(86), results: results(86, 91, 85) })
]
const cells = (table: ReturnType<typeof resultsTable>, key: string) => table.rows.find((r) => r.key === key)?.cells

describe('the statistic, per-seed values and paired differences', () => {
  it('shows the statistic asked for and says which it is', () => {
    const data = variantResults(studyRuns())
    expect(cells(resultsTable(data, { stat: 'final' }), 'top-1')).toEqual(['82.0 ± 2.0 (n=3)', '84.3 ± 2.1 (n=3)'])
    const best = resultsTable(data, { stat: 'best' })
    expect(best.rows[0]!.label).toBe('Top-1 (best evaluation)')
    expect(cells(best, 'top-1')).toEqual(['87.0 ± 2.6 (n=3)', '88.3 ± 2.5 (n=3)'])
    const median = resultsTable(data, { stat: 'median20' })
    expect(median.rows[0]!.label).toBe('Top-1 (median of the last 20 evaluations)')
    expect(cells(median, 'top-1')).toEqual(['81.0 ± 2.0 (n=3)', '83.3 ± 2.1 (n=3)'])
    // how many evaluations the medians cover, where a run had fewer than 20
    expect(cells(median, 'median-count')).toEqual(['12-20', '20'])
    expect(cells(best, 'median-count')).toBeUndefined()
  })

  it('lists the per-seed values on demand', () => {
    const data = variantResults([...studyRuns(), makeRun({ variant: 'U', seed: 4, summary: summary(70), results: results(70, 71, 69) })])
    expect(cells(resultsTable(data), 'top-1-seed-1')).toBeUndefined()
    const table = resultsTable(data, { stat: 'best', perSeed: true })
    expect(table.rows.filter((r) => r.key?.startsWith('top-1-seed-')).map((r) => [r.label, ...r.cells])).toEqual([
      ['seed 1', '85.00', '86.00'],
      ['seed 2', '86.00', '88.00'],
      ['seed 3', '90.00', '91.00'],
      ['seed 4', '-', '71.00']
    ])
  })

  it('pairs each variant with the reference per seed, with a 95% t interval and a verdict', () => {
    const data = variantResults(studyRuns())
    expect(cells(resultsTable(data), 'paired')).toBeUndefined()
    // U - O final: 2, 3, 2 -> mean 2.33, half-width t_{0.975,2} / 3 = 1.43
    const final = resultsTable(data, { reference: 'O' })
    expect(cells(final, 'paired')).toEqual(['reference', '+2.33 [+0.90, +3.77] (n=3)'])
    expect(cells(final, 'paired-verdict')).toEqual(['-', 'higher than O'])
    // U - O best: 1, 2, 1 -> the interval [-0.10, +2.77] holds 0
    const best = resultsTable(data, { stat: 'best', reference: 'O' })
    expect(cells(best, 'paired')).toEqual(['reference', '+1.33 [-0.10, +2.77] (n=3)'])
    expect(cells(best, 'paired-verdict')).toEqual(['-', 'no clear difference from O'])
  })

  it('says the interval needs two seeds when only one pairs, and pairs only on the same split', () => {
    const one = [
      makeRun({ variant: 'O', seed: 1, summary: summary(80), results: results(80, 80, 80) }),
      makeRun({ variant: 'U', seed: 1, summary: summary(81), results: results(81, 81, 81) })
    ]
    expect(cells(resultsTable(variantResults(one), { reference: 'O' }), 'paired')).toEqual(['reference', '+1.00 (n=1: the interval needs two seeds)'])
    const otherSplit = studyRuns().map((run) => (run.variant === 'U' ? { ...run, splitHash: 'another-split' } : run))
    expect(cells(resultsTable(variantResults(otherSplit), { reference: 'O' }), 'paired')).toEqual(['reference', 'no seed run by both on one split'])
  })

  it('leaves runs from a service without results out of the median only', () => {
    const data = variantResults([
      makeRun({ variant: 'O', seed: 1, summary: summary(80) }),
      makeRun({ variant: 'O', seed: 2, summary: summary(84), results: results(84, 84, 83, 7) })
    ])
    expect(cells(resultsTable(data), 'top-1')).toEqual(['82.0 ± 2.8 (n=2)'])
    expect(cells(resultsTable(data, { stat: 'median20' }), 'top-1')).toEqual(['83.0 (n=1)'])
  })

  it('CSV and PNG say the statistic', () => {
    const table = resultsTable(variantResults(studyRuns()), { stat: 'median20', reference: 'O' })
    const csv = tableCsv(table).split('\r\n')
    expect(csv[1]).toBe('Top-1 (median of the last 20 evaluations),81.0 ± 2.0 (n=3),83.3 ± 2.1 (n=3)')
    expect(csv).toContain('Paired difference vs O (95% CI),reference,"+2.33 [+0.90, +3.77] (n=3)"')
    const drawn: string[] = []
    const context = {
      font: '',
      fillStyle: '',
      strokeStyle: '',
      textBaseline: '',
      measureText: (text: string) => ({ width: text.length * 7 }),
      fillText: (text: string) => drawn.push(text),
      scale() {},
      fillRect() {},
      beginPath() {},
      moveTo() {},
      lineTo() {},
      stroke() {}
    }
    const canvas = { width: 0, height: 0, getContext: () => context } as unknown as HTMLCanvasElement
    drawTable(canvas, table, ['O', 'U'])
    expect(drawn).toContain('Top-1 (median of the last 20 evaluations)')
    expect(drawn).toContain('+2.33 [+0.90, +3.77] (n=3)')
  })
})
