import { describe, expect, it } from 'vitest'
import { meanAndStd } from '../../src/shared/format.ts'
import { pairedComparison, pairedText, pairedVerdict, type SeedResult } from '../../src/shared/results/comparison.ts'
import { runResultsOfSeries } from '../../src/shared/results/run-results.ts'
import { median, pairedTInterval, studentTCdf, tQuantile } from '../../src/shared/results/statistics.ts'

describe('median and the median of the last 20 evaluations', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBeNaN()
  })

  it('covers the last 20 of a longer series', () => {
    // 0..29 in step order: the last 20 are 10..29, median 19.5; the best was 29 here, the final 29
    const rising = runResultsOfSeries(Array.from({ length: 30 }, (_, i) => i))
    expect(rising).toEqual({ final: 29, best: 29, medianLast20: { value: 19.5, n: 20 } })
    // an early peak outside the window counts for best, not for the median
    const peaked = runResultsOfSeries([99, ...Array.from({ length: 20 }, () => 50), 40])
    expect(peaked).toEqual({ final: 40, best: 99, medianLast20: { value: 50, n: 20 } })
  })

  it('covers all evaluations of a shorter series and says how many', () => {
    expect(runResultsOfSeries([70, 90, 80])).toEqual({ final: 80, best: 90, medianLast20: { value: 80, n: 3 } })
    expect(runResultsOfSeries([])).toBeNull()
  })
})

describe('sample std', () => {
  it('divides by n - 1', () => {
    // deviations -1, 0, +1 around 2: sum of squares 2, over n - 1 = 2 gives 1
    expect(meanAndStd([1, 2, 3])).toEqual({ mean: 2, std: 1 })
    expect(meanAndStd([86, 90, 82]).std).toBeCloseTo(4, 12)
  })
})

describe('Student t quantile', () => {
  it.each([
    [0.975, 1, 12.7062],
    [0.975, 2, 4.3027],
    [0.975, 3, 3.1824],
    [0.975, 9, 2.2622],
    [0.975, 29, 2.0452],
    [0.975, 120, 1.9799],
    [0.995, 5, 4.0321],
    [0.95, 10, 1.8125]
  ])('t_{%s, %s} = %s', (p, df, expected) => {
    expect(tQuantile(p, df)).toBeCloseTo(expected, 4)
  })

  it('is exact where a closed form exists and tends to the normal quantile', () => {
    // df = 1 is Cauchy: tan(pi (p - 1/2))
    expect(tQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 9)
    // df = 2: t = (2p - 1) sqrt(2 / (1 - (2p - 1)^2))
    expect(tQuantile(0.975, 2)).toBeCloseTo(0.95 * Math.sqrt(2 / (1 - 0.95 ** 2)), 9)
    expect(tQuantile(0.975, 1e6)).toBeCloseTo(1.959966, 5)
    expect(tQuantile(0.025, 9)).toBeCloseTo(-tQuantile(0.975, 9), 12)
    expect(studentTCdf(tQuantile(0.9, 7), 7)).toBeCloseTo(0.9, 10)
  })

  it('refuses p outside (0, 1) and df <= 0', () => {
    expect(() => tQuantile(1, 3)).toThrow(/p must be between 0 and 1/)
    expect(() => tQuantile(0.975, 0)).toThrow(/degrees of freedom must be > 0/)
  })
})

describe('paired t interval', () => {
  it('is mean ± t_{0.975, n-1} sd / sqrt(n) on a hand-checkable case', () => {
    // differences 2, 3, 2: mean 7/3, sd sqrt(1/3), sd / sqrt(3) = 1/3, so half-width t_{0.975,2} / 3
    const interval = pairedTInterval([2, 3, 2])
    expect(interval.n).toBe(3)
    expect(interval.mean).toBeCloseTo(7 / 3, 12)
    expect(interval.low).toBeCloseTo(7 / 3 - 4.302653 / 3, 5)
    expect(interval.high).toBeCloseTo(7 / 3 + 4.302653 / 3, 5)
  })

  it('has no interval for one difference', () => {
    const interval = pairedTInterval([1.5])
    expect(interval.mean).toBe(1.5)
    expect(interval.low).toBeNaN()
  })
})

describe('paired comparison of two variants', () => {
  const run = (variant: SeedResult['variant'], seed: number, final: number, splitHash = 'split-a'): SeedResult => ({
    variant,
    seed,
    splitHash,
    results: { final, best: final + 1, medianLast20: { value: final - 1, n: 20 } }
  })

  it('pairs by seed on the same split and says whether the interval excludes 0', () => {
    // U - O per seed: 2, 3, 2; seed 4 of U has no O partner, seed 5's O trained on another split
    const runs = [
      run('O', 1, 80),
      run('O', 2, 82),
      run('O', 3, 84),
      run('U', 3, 86),
      run('U', 1, 82),
      run('U', 2, 85),
      run('U', 4, 99),
      run('O', 5, 10, 'split-b'),
      run('U', 5, 90)
    ]
    const comparison = pairedComparison(runs, 'O', 'U', 'final')
    expect(comparison.seeds).toEqual([1, 2, 3])
    expect(comparison.differences).toEqual([2, 3, 2])
    expect(pairedText(comparison)).toBe('+2.33 [+0.90, +3.77] (n=3)')
    expect(pairedVerdict(comparison)).toBe('higher than O')
  })

  it('uses the statistic asked for, and finds no clear difference when the interval holds 0', () => {
    const runs = [
      run('O', 1, 80),
      run('O', 2, 80),
      { ...run('U', 1, 0), results: { final: 81, best: 80, medianLast20: { value: 79, n: 20 } } },
      run('U', 2, 83)
    ]
    // best: U - O = (80 - 81, 84 - 81) = (-1, 3): mean 1, sd 2 sqrt(2), half-width 12.706 * 2 = 25.41
    const best = pairedComparison(runs, 'O', 'U', 'best')
    expect(best.differences).toEqual([-1, 3])
    expect(pairedText(best)).toBe('+1.00 [-24.41, +26.41] (n=2)')
    expect(pairedVerdict(best)).toBe('no clear difference from O')
  })

  it('says the interval needs two seeds when only one pairs', () => {
    const comparison = pairedComparison([run('O', 1, 80), run('U', 1, 82.5)], 'O', 'U', 'final')
    expect(pairedText(comparison)).toBe('+2.50 (n=1: the interval needs two seeds)')
    expect(pairedVerdict(comparison)).toBe('needs two seeds')
    expect(pairedText(pairedComparison([run('O', 1, 80)], 'O', 'U', 'final'))).toBe('no seed run by both on one split')
  })
})
