// Readable numbers for the views (the shared helpers cover durations and mean ± std).
import { formatDuration } from '../../../shared/format.ts'

/** top-1 is recorded in percent (0-100) */
export function formatTop1(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '-' : `${value.toFixed(1)}%`
}

/** rates recorded as fractions (mask rate, pseudo-label accuracy) */
export function formatFraction(value: number): string {
  return `${(value * 100).toFixed(1)}%`
}

export function formatEta(seconds: number | undefined): string {
  return seconds === undefined || !Number.isFinite(seconds) ? 'estimating…' : `${formatDuration(seconds)} left`
}

export function formatSteps(step: number, total: number): string {
  return `${step.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`
}

/** "28 Nov 2025, 14:03" in the user's time zone; with seconds "28 Nov 2025, 14:03:09" (events, log lines) */
export function formatDate(iso: string | null, options: { seconds?: boolean } = {}): string {
  if (!iso) return '-'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return date.toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(options.seconds ? { second: '2-digit' } : {})
  })
}

/** A compact chart-axis number: 1048576 -> "1.05M" */
export function formatStep(step: number): string {
  if (step >= 1e6) return `${(step / 1e6).toFixed(2).replace(/\.?0+$/, '')}M`
  if (step >= 1e4) return `${(step / 1e3).toFixed(1).replace(/\.0$/, '')}k`
  return String(step)
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
