// Which way is "best" for a metric: the one rule, used by the live summary,
// its recomputation and every reader; and the summary's shape.

// Accuracies and rates where more is better; everything else (losses, lr,
// timings) is judged by its minimum.
const HIGHER_IS_BETTER = new Set(['eval/top1', 'eval/top5', 'pseudoLabelAccuracy', 'maskRate', 'imagesPerSecond'])

export function bestIsMax(metricName: string): boolean {
  return HIGHER_IS_BETTER.has(metricName) || /accuracy|\/top\d+$/i.test(metricName)
}

export interface MetricSummary {
  /** value at the highest step */
  last: number
  lastStep: number
  /** max or min by bestIsMax(name) */
  best: number
  bestIs: 'max' | 'min'
  min: number
  max: number
  count: number
}
