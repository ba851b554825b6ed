// Min/max bucketing over the step axis: a 2^20-step run drawn with a few
// thousand points still shows its spikes, and the first and last point stay.
import type { MetricPoint } from '../../../shared/api.ts'

/** At most maxPoints points (at least 4), including the first and the last, in step order. */
export function decimate(points: readonly MetricPoint[], maxPoints: number): MetricPoint[] {
  const limit = Math.max(4, Math.floor(maxPoints))
  if (points.length <= limit) return points.slice()
  const first = points[0]!
  const last = points[points.length - 1]!
  const buckets = Math.floor((limit - 2) / 2)
  const span = last.step - first.step
  const out: MetricPoint[] = [first]
  let bucket = -1
  let low: MetricPoint | null = null
  let high: MetricPoint | null = null
  const flush = () => {
    if (!low || !high) return
    // keep the two extremes in the order they happened
    if (low === high) out.push(low)
    else if (low.step <= high.step) out.push(low, high)
    else out.push(high, low)
  }
  for (let i = 1; i < points.length - 1; i++) {
    const point = points[i]!
    // buckets by step, not index, so dense and sparse stretches get the same detail per step
    const b = span > 0 ? Math.min(buckets - 1, Math.floor(((point.step - first.step) / span) * buckets)) : Math.floor(((i - 1) / (points.length - 2)) * buckets)
    if (b !== bucket) {
      flush()
      bucket = b
      low = high = point
    } else {
      if (point.value < low!.value) low = point
      if (point.value > high!.value) high = point
    }
  }
  flush()
  out.push(last)
  return out
}
