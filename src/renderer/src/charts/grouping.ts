// Group by variant: the seeds of one variant drawn as their mean and a band
// (min-max or mean +- sample std), as W&B's grouping does. Pure, so the
// statistics are tested without a chart.
//
// Alignment: runs of a group may be recorded at different steps (another
// logEvery, a resumed run). The group's grid is the union of its runs' x
// values; at each x every run whose recorded range covers it contributes its
// value, linearly interpolated between its two neighbouring points. A run is
// never extrapolated past its ends, so where a seed stopped early n drops.
import type { XY } from './x-axis.ts'

export const BAND_KINDS = ['minmax', 'std'] as const
export type BandKind = (typeof BAND_KINDS)[number]
export const BAND_LABELS: Readonly<Record<BandKind, string>> = { minmax: 'min-max', std: '± std' }

export interface GroupPoint {
  x: number
  mean: number
  /** band's lower and upper edge */
  low: number
  high: number
  /** runs that cover this x */
  n: number
}

/** A line's value at x by linear interpolation, or undefined outside its recorded range (points sorted by x). */
export function valueAt(line: readonly XY[], x: number): number | undefined {
  if (line.length === 0 || x < line[0]!.x || x > line[line.length - 1]!.x) return undefined
  let lo = 0
  let hi = line.length - 1
  // the last point at or before x
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (line[mid]!.x <= x) lo = mid
    else hi = mid - 1
  }
  const a = line[lo]!
  if (a.x === x || lo === line.length - 1) return a.y
  const b = line[lo + 1]!
  return a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x)
}

/** Mean and band over the lines at every x of their union grid (see the alignment note above). */
export function groupStats(lines: readonly (readonly XY[])[], band: BandKind): GroupPoint[] {
  const grid = [...new Set(lines.flatMap((line) => line.map((p) => p.x)))].sort((a, b) => a - b)
  const out: GroupPoint[] = []
  for (const x of grid) {
    const values = lines.map((line) => valueAt(line, x)).filter((v): v is number => v !== undefined && Number.isFinite(v))
    if (values.length === 0) continue
    const n = values.length
    const mean = values.reduce((sum, v) => sum + v, 0) / n
    if (band === 'minmax') {
      out.push({ x, mean, low: Math.min(...values), high: Math.max(...values), n })
    } else {
      // sample std (n - 1), as the Results table reports; one run has no spread
      const std = n > 1 ? Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1)) : 0
      out.push({ x, mean, low: mean - std, high: mean + std, n })
    }
  }
  return out
}
