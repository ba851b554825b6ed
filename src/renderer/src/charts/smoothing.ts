// EMA smoothing of a displayed series, debiased like TensorBoard's so the
// first points are not dragged towards zero.
import type { MetricPoint } from '../../../shared/api.ts'

/** weight 0 returns the series unchanged; 0.99 is very smooth. */
export function smoothSeries(points: readonly MetricPoint[], weight: number): MetricPoint[] {
  const w = Math.min(Math.max(weight, 0), 0.999)
  if (w === 0) return points.slice()
  let average = 0
  let debias = 0
  return points.map(({ step, value }) => {
    average = average * w + (1 - w) * value
    debias = debias * w + (1 - w)
    return { step, value: average / debias }
  })
}
