// Results over seeds per variant under one statistic, and the paired difference
// of two variants run on the same split with the same seeds. Shared by the CLI's
// `compare` table and the Results view, so both say the same thing.
import type { RunResults } from '../api.ts'
import type { Variant } from '../config.ts'
import { meanAndStd } from '../format.ts'
import { statValue, type ResultStat } from './run-results.ts'
import { pairedTInterval, type PairedInterval } from './statistics.ts'

/** One finished run, reduced to what a results table needs (one per variant and seed). */
export interface SeedResult {
  variant: Variant
  seed: number
  /** the labeled split it trained on; runs pair only on the same split */
  splitHash: string | null
  results: RunResults
  /** the stored run, where the table links to it */
  runId?: number
}

export interface VariantSummary {
  variant: Variant
  /** in seed order */
  seeds: number[]
  values: number[]
  mean: number
  /** sample std over seeds (0 for one seed) */
  std: number
  n: number
  /** for the median: how many evaluations each seed's median covers */
  medianCounts: number[]
  /** the runs behind the values, where known (in seed order) */
  runIds: number[]
}

export function summariseVariant(variant: Variant, runs: readonly SeedResult[], stat: ResultStat): VariantSummary {
  const mine = runs.filter((run) => run.variant === variant).sort((a, b) => a.seed - b.seed)
  const values = mine.map((run) => statValue(run.results, stat))
  const { mean, std } = meanAndStd(values)
  return {
    variant,
    seeds: mine.map((run) => run.seed),
    values,
    mean,
    std,
    n: values.length,
    medianCounts: mine.map((run) => run.results.medianLast20.n),
    runIds: mine.flatMap((run) => (run.runId === undefined ? [] : [run.runId]))
  }
}

/** The runs a statistic can be computed for: a seed without a median (from a service older than the results) is left out of the median's n. */
export function runsWithStat(runs: readonly SeedResult[], stat: ResultStat): readonly SeedResult[] {
  return stat === 'median20' ? runs.filter((run) => run.results.medianLast20.n > 0) : runs
}

export interface PairedComparison {
  variant: Variant
  reference: Variant
  /** the seeds both ran on the same split, in order */
  seeds: number[]
  /** variant - reference, per seed */
  differences: number[]
  interval: PairedInterval
}

const pairKey = (run: SeedResult) => `${run.splitHash ?? ''}\u0000${run.seed}`

/** variant - reference per seed, over the seeds both ran on the same split, with the 95% paired t interval. */
export function pairedComparison(runs: readonly SeedResult[], reference: Variant, variant: Variant, stat: ResultStat): PairedComparison {
  const referenceBySeed = new Map(runs.filter((run) => run.variant === reference).map((run) => [pairKey(run), run]))
  const pairs = runs
    .filter((run) => run.variant === variant && referenceBySeed.has(pairKey(run)))
    .sort((a, b) => a.seed - b.seed)
    .map((run) => ({ seed: run.seed, difference: statValue(run.results, stat) - statValue(referenceBySeed.get(pairKey(run))!.results, stat) }))
  const differences = pairs.map((pair) => pair.difference)
  return { variant, reference, seeds: pairs.map((pair) => pair.seed), differences, interval: pairedTInterval(differences) }
}

// ---- the words both tables use

const signed = (value: number, digits: number) => `${value >= 0 ? '+' : '-'}${Math.abs(value).toFixed(digits)}`

/** "86.0 ± 4.0 (n=3)", "92.0 (n=1)", "-" for none. */
export function meanStdText(summary: Pick<VariantSummary, 'mean' | 'std' | 'n'>, digits = 1): string {
  if (summary.n === 0) return '-'
  return summary.n > 1 ? `${summary.mean.toFixed(digits)} ± ${summary.std.toFixed(digits)} (n=${summary.n})` : `${summary.mean.toFixed(digits)} (n=1)`
}

/** "20", or "12-20" when the seeds' medians cover different counts. */
export function medianCountText(counts: readonly number[]): string {
  if (counts.length === 0) return '-'
  const low = Math.min(...counts)
  const high = Math.max(...counts)
  return low === high ? `${low}` : `${low}-${high}`
}

/** "+2.31 [+0.40, +4.22] (n=3)"; with fewer than two paired seeds it says the interval needs two. */
export function pairedText(comparison: PairedComparison, digits = 2): string {
  const { interval } = comparison
  if (interval.n === 0) return `no seed run by both on one split`
  if (interval.n < 2) return `${signed(interval.mean, digits)} (n=1: the interval needs two seeds)`
  return `${signed(interval.mean, digits)} [${signed(interval.low, digits)}, ${signed(interval.high, digits)}] (n=${interval.n})`
}

/** Whether the runs support a difference: the 95% interval lies above or below 0, or contains it. */
export function pairedVerdict(comparison: PairedComparison): string {
  const { interval, reference } = comparison
  if (interval.n < 2) return 'needs two seeds'
  if (interval.low > 0) return `higher than ${reference}`
  if (interval.high < 0) return `lower than ${reference}`
  return `no clear difference from ${reference}`
}
