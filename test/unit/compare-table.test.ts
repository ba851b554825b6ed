import { describe, expect, it } from 'vitest'
import { compareJson, formatCompareTable, parsePairedFlag, parseStatFlag, type CompareColumn } from '../../src/cli/compare-table.ts'

const run = (variant: CompareColumn['variant'], seed: number, final: number, best: number, median: number, n = 20) => ({
  variant,
  seed,
  splitHash: 'abc',
  results: { final, best, medianLast20: { value: median, n } }
})
const columns: CompareColumn[] = [
  { variant: 'O', runs: [run('O', 1, 80, 85, 79), run('O', 2, 82, 86, 81), run('O', 3, 84, 90, 83, 12)], top5: [98, 99, 97], trainSeconds: [60, 60, 60] },
  { variant: 'U', runs: [run('U', 1, 82, 86, 81), run('U', 2, 85, 88, 84), run('U', 3, 86, 91, 85)], top5: [99, 99, 99], trainSeconds: [90, 90, 90] }
]
const lines = (text: string) =>
  text.split('\n').map((line) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim())
  )

describe('compare table', () => {
  it('names the statistic and shows mean ± sample std with n', () => {
    const rows = lines(formatCompareTable(columns, { stat: 'final' }))
    expect(rows[0]).toEqual(['Model', 'O', 'U'])
    expect(rows[2]).toEqual(['Top-1 (final evaluation)', '82.0 ± 2.0 (n=3)', '84.3 ± 2.1 (n=3)'])
    expect(rows.map((r) => r[0])).toEqual([
      'Model',
      expect.stringMatching(/^-+$/),
      'Top-1 (final evaluation)',
      'Top-5 (final evaluation)',
      'Train time',
      'Seeds'
    ])
    const median = lines(formatCompareTable(columns, { stat: 'median20' }))
    expect(median[2]).toEqual(['Top-1 (median of the last 20 evaluations)', '81.0 ± 2.0 (n=3)', '83.3 ± 2.1 (n=3)'])
    expect(median[3]).toEqual(['Evaluations per median', '12-20', '20'])
  })

  it('adds per-seed rows and the paired difference when asked', () => {
    const rows = lines(formatCompareTable(columns, { stat: 'best', perSeed: true, reference: 'O' }))
    expect(rows.slice(2, 8)).toEqual([
      ['Top-1 (best evaluation)', '87.0 ± 2.6 (n=3)', '88.3 ± 2.5 (n=3)'],
      ['seed 1', '85.00', '86.00'],
      ['seed 2', '86.00', '88.00'],
      ['seed 3', '90.00', '91.00'],
      ['Paired difference vs O (95% CI)', 'reference', '+1.33 [-0.10, +2.77] (n=3)'],
      ['Verdict vs O', '-', 'no clear difference from O']
    ])
  })

  it('--json rows carry the statistic, per-seed results and the paired interval', () => {
    const json = compareJson(columns, { stat: 'final', reference: 'O' })
    expect(json.rows[1]).toMatchObject({ variant: 'U', stat: 'final', n: 3, seeds: [1, 2, 3], top1PerSeed: [82, 85, 86], top5Mean: 99, trainSeconds: 90 })
    expect(json.rows[1]!.top1Mean).toBeCloseTo(253 / 3, 10)
    expect(json.rows[0]!.perSeed[2]).toEqual({ seed: 3, final: 84, best: 90, medianLast20: { value: 83, n: 12 } })
    expect(json.paired).toHaveLength(1)
    expect(json.paired![0]).toMatchObject({ variant: 'U', reference: 'O', seeds: [1, 2, 3], differences: [2, 3, 2], n: 3 })
    expect(json.paired![0]!.low).toBeCloseTo(7 / 3 - 4.302653 / 3, 5)
    expect(compareJson(columns, { stat: 'final', reference: null })).not.toHaveProperty('paired')
  })
})

describe('compare flags', () => {
  it('--stat takes final, best or median20 (final when left out)', () => {
    expect(parseStatFlag(undefined)).toBe('final')
    expect(parseStatFlag('median20')).toBe('median20')
    expect(() => parseStatFlag('mean')).toThrow('--stat: "mean" is not a statistic (final, best, median20)')
  })

  it('--paired takes one of the compared variants', () => {
    expect(parsePairedFlag(undefined, ['O', 'U'])).toBeNull()
    expect(parsePairedFlag('O', ['O', 'U'])).toBe('O')
    expect(() => parsePairedFlag('L', ['O', 'U'])).toThrow('--paired: "L" is not one of the compared variants (O, U)')
  })
})
