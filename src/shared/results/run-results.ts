// One run's top-1 under each reporting protocol: the final evaluation, the best
// one (TorchSSL's habit) and the median of the last 20 (the FixMatch paper's),
// all from the EMA model's eval/top1 series.
import type { RunRecord, RunResults } from '../api.ts'
import { median } from './statistics.ts'

/** How many of the last evaluations the median covers (the FixMatch paper's last 20 checkpoints). */
export const MEDIAN_WINDOW = 20

export const RESULT_STATS = ['final', 'best', 'median20'] as const
export type ResultStat = (typeof RESULT_STATS)[number]

/** What each statistic is, in the words a table shows. */
export const STAT_TITLES: Record<ResultStat, string> = {
  final: 'final evaluation',
  best: 'best evaluation',
  median20: `median of the last ${MEDIAN_WINDOW} evaluations`
}

export function isResultStat(value: unknown): value is ResultStat {
  return typeof value === 'string' && (RESULT_STATS as readonly string[]).includes(value)
}

/**
 * A run's results from its summary of eval/top1 (last, best) and the values of its
 * last evaluations in any order (at most MEDIAN_WINDOW are used: the caller
 * reads the newest ones).
 */
export function runResults(last: number, best: number, newestValues: readonly number[]): RunResults {
  const window = newestValues.slice(0, MEDIAN_WINDOW)
  return { final: last, best, medianLast20: { value: median(window), n: window.length } }
}

/** A run's results from its whole eval/top1 series in step order; null when it has no evaluation. */
export function runResultsOfSeries(valuesInStepOrder: readonly number[]): RunResults | null {
  if (valuesInStepOrder.length === 0) return null
  const newest = valuesInStepOrder.slice(-MEDIAN_WINDOW).reverse()
  return runResults(valuesInStepOrder[valuesInStepOrder.length - 1]!, Math.max(...valuesInStepOrder), newest)
}

/** The value a table shows for the statistic. */
export function statValue(results: RunResults, stat: ResultStat): number {
  if (stat === 'final') return results.final
  if (stat === 'best') return results.best
  return results.medianLast20.value
}

/**
 * A stored run's results; from a service older than the results field, final and best
 * from its eval/top1 summary and no median (n = 0); null before its first evaluation.
 */
export function recordResults(run: Pick<RunRecord, 'results' | 'summary'>): RunResults | null {
  if (run.results) return run.results
  const top1 = run.summary['eval/top1']
  return top1 ? { final: top1.last, best: top1.best, medianLast20: { value: NaN, n: 0 } } : null
}
