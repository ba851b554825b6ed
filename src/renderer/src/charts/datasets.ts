// From held series to chart.js datasets: decimated, one fixed colour per
// variant and a shade/dash per seed, ordered S, O, L, U, U+. Training metrics
// (a point every few steps, noisy) are smoothed with the raw line faint behind;
// evaluation metrics (eval/top1: a few recorded points) are drawn as recorded,
// with a marker on each, so the chart ends where the Results table does.
import type { MetricPoint, RunRecord } from '../../../shared/api.ts'
import { VARIANTS } from '../../../shared/config.ts'
import { seedIndexes, seedStyle, withAlpha } from './colours.ts'
import { decimate } from './decimate.ts'
import { smoothSeries } from './smoothing.ts'

/** 'recorded': the values as recorded; 'smoothed': their EMA; 'raw': the recorded values faint behind a smoothed line. */
export type LineRole = 'recorded' | 'smoothed' | 'raw'

export interface LineDataset {
  label: string
  runId: number
  role: LineRole
  /** chart.js draws higher orders first: the faint raw lines stay behind */
  order: number
  data: { x: number; y: number }[]
  borderColor: string
  backgroundColor: string
  borderDash: number[]
  borderWidth: number
  pointRadius: number
  pointHoverRadius: number
}

export interface DatasetOptions {
  /** the metric drawn ("eval/top1", "loss"...): says whether it is smoothed */
  metric: string
  /** EMA weight in [0, 1) for training metrics; evaluation metrics are never smoothed */
  smoothing: number
  /** points per line after decimation (about the chart's width in pixels) */
  maxPoints: number
  /** run id -> shade index, when seeds alone do not tell lines apart (comparing two runs of one seed) */
  shades?: Map<number, number>
}

/** Evaluation metrics are sparse measurements of the model, not noisy per-step values: never smoothed. */
function isEvaluationMetric(metric: string): boolean {
  return metric.startsWith('eval/')
}

export type RunLine = Pick<RunRecord, 'id' | 'variant' | 'seed'>

function runLabel(run: RunLine): string {
  return `${run.variant} · seed ${run.seed} · #${run.id}`
}

export interface RunStyle {
  run: RunLine
  label: string
  colour: string
  dash: number[]
}

/** Each run's line style, ordered S, O, L, U, U+ then by seed: shared by the charts and their legend. */
export function runStyles(runs: readonly RunLine[], shades: Map<number, number> = seedIndexes(runs)): RunStyle[] {
  const ordered = [...runs].sort((a, b) => VARIANTS.indexOf(a.variant) - VARIANTS.indexOf(b.variant) || a.seed - b.seed || a.id - b.id)
  return ordered.map((run) => {
    const style = seedStyle(run.variant, shades.get(run.id) ?? 0)
    return { run, label: runLabel(run), colour: style.colour, dash: style.dash }
  })
}

/** Evaluation lines with at most this many points get a marker on each. */
const MAX_MARKED_POINTS = 150

export function buildDatasets(runs: readonly RunLine[], seriesOf: (runId: number) => readonly MetricPoint[], options: DatasetOptions): LineDataset[] {
  const evaluation = isEvaluationMetric(options.metric)
  const smoothing = evaluation ? 0 : options.smoothing
  return runStyles(runs, options.shades).flatMap(({ run, label, colour, dash }) => {
    const recorded = seriesOf(run.id)
    const line = (role: LineRole, points: readonly MetricPoint[]): LineDataset => ({
      label,
      runId: run.id,
      role,
      order: role === 'raw' ? 1 : 0,
      data: points.map((p) => ({ x: p.step, y: p.value })),
      borderColor: role === 'raw' ? withAlpha(colour, 0.25) : colour,
      backgroundColor: role === 'raw' ? withAlpha(colour, 0.25) : colour,
      borderDash: dash,
      borderWidth: role === 'raw' ? 1 : 1.75,
      // each evaluation is a point of its own: a run with one evaluation still shows it
      // (a study run's thousand evaluations are a line already: markers would only blot it)
      pointRadius: evaluation && points.length <= MAX_MARKED_POINTS ? 2.5 : 0,
      pointHoverRadius: evaluation ? 4 : 3
    })
    if (smoothing <= 0) return [line('recorded', decimate(recorded, options.maxPoints))]
    // smooth the full series first: decimating first would smooth the extremes only
    return [line('smoothed', decimate(smoothSeries(recorded, smoothing), options.maxPoints)), line('raw', decimate(recorded, options.maxPoints))]
  })
}
