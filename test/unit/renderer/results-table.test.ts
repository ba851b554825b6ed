import { describe, expect, it } from 'vitest'
import { drawTable, layoutTable } from '../../../src/renderer/src/results/png.ts'
import { resultsCaption, resultsTable, variantResults } from '../../../src/renderer/src/results/table.ts'
import { bestColumns } from '../../../src/shared/results/best.ts'
import { resultsCsv } from '../../../src/shared/results/results-csv.ts'
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

describe('resultsCsv', () => {
  it('writes numbers, one line per variant and statistic, empty where there is none', () => {
    const data = variantResults([
      makeRun({ variant: 'S', seed: 1, summary: summary(40.04, 75), trainSeconds: 59 }),
      makeRun({ variant: 'O', seed: 1, summary: summary(80, 97), trainSeconds: 100, results: { final: 80, best: 85, medianLast20: { value: 79, n: 20 } } }),
      makeRun({ variant: 'O', seed: 2, summary: summary(84, 99), trainSeconds: 200, results: { final: 84, best: 86, medianLast20: { value: 83, n: 20 } } }),
      makeRun({ variant: 'U', seed: 1, status: 'running', summary: summary(10) })
    ])
    expect(resultsCsv(data).split('\r\n')).toEqual([
      'variant,n,top1_mean,top1_std,top5_mean,train_seconds,statistic',
      // a run from a service without results: final and best from its summary, no median
      'S,1,40.04,,75,59,final',
      'S,1,40.04,,75,59,best',
      'S,0,,,75,59,median20',
      'O,2,82,2.8284271247461903,98,150,final',
      'O,2,85.5,0.7071067811865476,98,150,best',
      'O,2,81,2.8284271247461903,98,150,median20',
      'U,0,,,,,final',
      'U,0,,,,,best',
      'U,0,,,,,median20',
      ''
    ])
  })
})

describe('bestColumns', () => {
  it('marks the highest top-1 and the shortest time, every value tied at the precision shown, and none with one value', () => {
    expect(bestColumns({ values: [81, 83.5, null], better: 'higher', digits: 1 })).toEqual([1])
    expect(bestColumns({ values: [3600, 1800, 1800], better: 'lower' })).toEqual([1, 2])
    // 83.46 and 83.54 both show as 83.5: a tie the reader can see
    expect(bestColumns({ values: [83.46, 83.54, 80], better: 'higher', digits: 1 })).toEqual([0, 1])
    expect(bestColumns({ values: [83.44, 83.54], better: 'higher', digits: 1 })).toEqual([1])
    expect(bestColumns({ values: [90, null], better: 'higher', digits: 1 })).toEqual([])
    expect(bestColumns({ values: [1, 2] })).toEqual([])
  })

  it('is given for the top-1, per-seed, top-5 and train time rows, not for counts or differences', () => {
    const table = resultsTable(variantResults(studyRuns()), { perSeed: true, reference: 'O' })
    const marked = Object.fromEntries(table.rows.map((row) => [row.key, bestColumns(row)]))
    expect(marked).toEqual({
      'top-1': [1],
      'top-1-seed-1': [1],
      'top-1-seed-2': [1],
      'top-1-seed-3': [1],
      paired: [],
      'paired-verdict': [],
      // the study runs recorded no top-5
      'top-5': [],
      'train-time': [0, 1],
      seeds: []
    })
  })
})

describe('resultsCaption', () => {
  it('names the experiment, dataset, labels and steps, and how the numbers were made', () => {
    const runs = [makeRun({ totalSteps: 40 }), makeRun({ totalSteps: 40 })]
    expect(resultsCaption('tiny study', runs, 'best')).toEqual([
      'tiny study · mnist · 4 labels/class · 40 steps',
      'Top-1 of the EMA model, %: best evaluation; mean ± sample std over n seeds'
    ])
    expect(resultsCaption('mixed', [makeRun({ totalSteps: 40 }), makeRun({ totalSteps: 1000 })], 'final')[0]).toBe(
      'mixed · mnist · 4 labels/class · 40/1,000 steps'
    )
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

  it('puts the title lines above the table and widens the image for a long title', () => {
    const table = { header: ['Model', 'O'], rows: [{ label: 'Top-1', cells: ['80'] }] }
    const plain = layoutTable(table, (text) => text.length * 10)
    const titled = layoutTable(table, (text) => text.length * 10, ['a title longer than the whole table', 'second'])
    expect(titled.tableTop).toBe(plain.tableTop + 2 * 22 + 8)
    expect(titled.height).toBe(plain.height + 2 * 22 + 8)
    expect(titled.width).toBe(16 + 35 * 10 + 16)
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

  it('the PNG says the statistic, has its title and draws the best values in bold', () => {
    const table = resultsTable(variantResults(studyRuns()), { stat: 'median20', reference: 'O' })
    const drawn: string[] = []
    const fonts = new Map<string, string>()
    const context = {
      font: '',
      fillStyle: '',
      strokeStyle: '',
      textBaseline: '',
      measureText: (text: string) => ({ width: text.length * 7 }),
      fillText(text: string) {
        drawn.push(text)
        fonts.set(text, this.font)
      },
      scale() {},
      fillRect() {},
      beginPath() {},
      moveTo() {},
      lineTo() {},
      stroke() {}
    }
    const canvas = { width: 0, height: 0, getContext: () => context } as unknown as HTMLCanvasElement
    drawTable(canvas, table, ['O', 'U'], resultsCaption('study', studyRuns(), 'median20'))
    expect(drawn.slice(0, 2)).toEqual([
      'study · mnist · 4 labels/class · 1,000 steps',
      'Top-1 of the EMA model, %: median of the last 20 evaluations; mean ± sample std over n seeds'
    ])
    expect(drawn).toContain('Top-1 (median of the last 20 evaluations)')
    expect(drawn).toContain('+2.33 [+0.90, +3.77] (n=3)')
    // U's 83.3 is the row's best, O's 81.0 is not
    expect(fonts.get('83.3 ± 2.1 (n=3)')).toMatch(/^600 /)
    expect(fonts.get('81.0 ± 2.0 (n=3)')).not.toMatch(/^600 /)
  })
})
