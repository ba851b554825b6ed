// The three x axes of a metric chart: training step, wall-clock time, and
// time since the run started (so runs trained on different days line up).
import type { MetricPoint } from '../../../shared/api.ts'
import { formatDuration } from '../../../shared/format.ts'
import { formatStep } from '../util/format.ts'

export const X_MODES = ['step', 'wall', 'relative'] as const
export type XMode = (typeof X_MODES)[number]

export const X_MODE_LABELS: Readonly<Record<XMode, string>> = { step: 'Step', wall: 'Wall time', relative: 'Relative time' }

export interface XY {
  x: number
  y: number
}

/**
 * The points on the mode's x axis: the step, the wall time (ms since the epoch) or the
 * seconds since `origin` (ms). Time modes leave out points recorded without a time.
 */
export function toXY(points: readonly MetricPoint[], mode: XMode, origin = 0): XY[] {
  if (mode === 'step') return points.map((p) => ({ x: p.step, y: p.value }))
  const timed = points.filter((p): p is MetricPoint & { time: number } => typeof p.time === 'number')
  if (mode === 'wall') return timed.map((p) => ({ x: p.time, y: p.value }))
  return timed.map((p) => ({ x: (p.time - origin) / 1000, y: p.value }))
}

/** Where a run's relative time starts: when it started, else its first recorded point. */
export function runOrigin(startedAt: string | null | undefined, points: readonly MetricPoint[]): number {
  const started = startedAt ? Date.parse(startedAt) : NaN
  if (Number.isFinite(started)) return started
  return points.find((p) => typeof p.time === 'number')?.time ?? 0
}

/** An x value as the axis and the tooltip show it. */
export function formatX(value: number, mode: XMode): string {
  if (mode === 'step') return formatStep(value)
  if (mode === 'relative') return formatDuration(Math.max(0, value))
  const date = new Date(value)
  return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' })
}

export function xTitle(mode: XMode): string {
  return mode === 'step' ? 'step' : mode === 'wall' ? 'wall time' : 'time since the run started'
}
