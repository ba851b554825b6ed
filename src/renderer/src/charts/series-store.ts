// The metric points the Live view holds: loaded once per run, then extended
// by 'run/metrics' events. Merging by step makes the order of the initial
// load and early events irrelevant.
import type { MetricPoint } from '../../../shared/api.ts'
import { decimate } from './decimate.ts'

export interface SeriesStoreOptions {
  /** above this many points a series is thinned to half of it (min/max kept) */
  maxStoredPoints?: number
}

export class SeriesStore {
  private readonly runs = new Map<number, Map<string, MetricPoint[]>>()
  private readonly maxStored: number

  constructor(options: SeriesStoreOptions = {}) {
    this.maxStored = options.maxStoredPoints ?? 20_000
  }

  /** Merges loaded points (e.g. from 'runs/series') into what is already held. */
  merge(runId: number, series: Record<string, readonly MetricPoint[]>): void {
    for (const [name, points] of Object.entries(series)) {
      const clean = points.filter(isFinitePoint).sort((a, b) => a.step - b.step)
      this.put(runId, name, mergeSorted(this.get(runId, name), clean))
    }
  }

  /** Adds the values of one 'run/metrics' event; only names in `names` are kept when given; `time` (ms) when it arrived. */
  append(runId: number, step: number, values: Record<string, number>, names?: Iterable<string>, time?: number): boolean {
    let changed = false
    const kept = names === undefined ? undefined : new Set(names)
    for (const [name, value] of Object.entries(values)) {
      if (kept && !kept.has(name)) continue
      const point = time === undefined ? { step, value } : { step, value, time }
      // NaN (e.g. no pseudo-label kept yet) arrives as null over JSON: nothing to draw
      if (!isFinitePoint(point)) continue
      const points = this.get(runId, name)
      const last = points[points.length - 1]
      if (!last || last.step < step) this.put(runId, name, push(points, point))
      else this.put(runId, name, mergeSorted(points, [point]))
      changed = true
    }
    return changed
  }

  get(runId: number, name: string): MetricPoint[] {
    return this.runs.get(runId)?.get(name) ?? []
  }

  /** The newest step held for a run over all its metrics (for 'runs/series' afterStep). */
  lastStep(runId: number): number | undefined {
    const series = this.runs.get(runId)
    if (!series) return undefined
    let last: number | undefined
    for (const points of series.values()) {
      const step = points[points.length - 1]?.step
      if (step !== undefined && (last === undefined || step > last)) last = step
    }
    return last
  }

  has(runId: number): boolean {
    return this.runs.has(runId)
  }

  forget(runId: number): void {
    this.runs.delete(runId)
  }

  private put(runId: number, name: string, points: MetricPoint[]): void {
    let series = this.runs.get(runId)
    if (!series) this.runs.set(runId, (series = new Map()))
    series.set(name, points.length > this.maxStored ? decimate(points, this.maxStored / 2) : points)
  }
}

// appending in place: the common case of a live run, no copy of the history
function push(points: MetricPoint[], point: MetricPoint): MetricPoint[] {
  points.push(point)
  return points
}

function isFinitePoint(point: { step: unknown; value: unknown }): point is MetricPoint {
  return typeof point.step === 'number' && typeof point.value === 'number' && Number.isFinite(point.value)
}

/** Both sorted by step; on equal steps the incoming point wins. */
export function mergeSorted(held: readonly MetricPoint[], incoming: readonly MetricPoint[]): MetricPoint[] {
  if (incoming.length === 0) return held.slice()
  if (held.length === 0) return incoming.slice()
  if (held[held.length - 1]!.step < incoming[0]!.step) return [...held, ...incoming]
  const out: MetricPoint[] = []
  let i = 0
  let j = 0
  while (i < held.length || j < incoming.length) {
    const a = held[i]
    const b = incoming[j]
    if (b === undefined || (a !== undefined && a.step < b.step)) {
      out.push(a!)
      i++
    } else {
      if (a !== undefined && a.step === b.step) i++
      out.push(b)
      j++
    }
  }
  return out
}
