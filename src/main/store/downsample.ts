// Min-max decimation for charts: the step range is cut into equal buckets and
// each keeps its lowest and highest point, so spikes survive; the first and
// last points are always kept. At most maxPoints points, in step order.

/** [step, value] rows in ascending step order. */
export type StepValue = [step: number, value: number]

export function minMaxDecimate(rows: StepValue[], maxPoints: number): StepValue[] {
  const n = rows.length
  if (n <= maxPoints) return rows
  if (maxPoints < 4) return maxPoints >= 2 ? [rows[0], rows[n - 1]] : rows.slice(0, maxPoints)
  // two points per bucket, plus the first and last
  const buckets = Math.floor((maxPoints - 2) / 2)
  const low = rows[0][0]
  const span = rows[n - 1][0] - low + 1
  const minIndex = new Int32Array(buckets).fill(-1)
  const maxIndex = new Int32Array(buckets).fill(-1)
  for (let i = 1; i < n - 1; i++) {
    const bucket = Math.min(buckets - 1, Math.floor(((rows[i][0] - low) * buckets) / span))
    const value = rows[i][1]
    if (minIndex[bucket] < 0 || value < rows[minIndex[bucket]][1]) minIndex[bucket] = i
    if (maxIndex[bucket] < 0 || value > rows[maxIndex[bucket]][1]) maxIndex[bucket] = i
  }
  const out: StepValue[] = [rows[0]]
  for (let b = 0; b < buckets; b++) {
    const lo = minIndex[b]
    const hi = maxIndex[b]
    if (lo < 0) continue
    if (lo === hi) out.push(rows[lo])
    else if (lo < hi) out.push(rows[lo], rows[hi])
    else out.push(rows[hi], rows[lo])
  }
  out.push(rows[n - 1])
  return out
}
