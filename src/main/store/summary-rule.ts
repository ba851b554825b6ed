// Which way is "best" for a metric: the one rule, used by the live summary,
// its recomputation and every reader; and the summary's shape.
import type { MetricSummary as ApiMetricSummary } from '../../shared/api.ts'

// Accuracies and rates where more is better; everything else (losses, lr,
// timings) is judged by its minimum.
const HIGHER_IS_BETTER = new Set(['eval/top1', 'eval/top5', 'pseudoLabelAccuracy', 'maskRate', 'imagesPerSecond'])

export function bestIsMax(metricName: string): boolean {
  return HIGHER_IS_BETTER.has(metricName) || /accuracy|\/top\d+$/i.test(metricName)
}

/** The contract's summary (last, lastStep, best, min, max), with the store's bookkeeping: which way best is, and the count. */
export type MetricSummary = ApiMetricSummary & {
  bestIs: 'max' | 'min'
  count: number
}
