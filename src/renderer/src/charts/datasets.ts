// From held series to chart.js datasets: decimated, one fixed colour per
// variant and a shade/dash per seed, ordered S, O, L, U, U+. Training metrics
// (a point every few steps, noisy) are smoothed with the raw line faint behind;
// evaluation metrics (eval/top1: a few recorded points) are drawn as recorded,
// with a marker on each, so the chart ends where the Results table does.
// Grouped, each variant is one mean line over its seeds with a shaded band.
import type { MetricPoint, RunRecord } from '../../../shared/api.ts'
import { VARIANTS, type Variant } from '../../../shared/config.ts'
import { VARIANT_COLOURS, seedIndexes, seedStyle, withAlpha } from './colours.ts'
import { decimate } from './decimate.ts'
import { groupStats, type BandKind } from './grouping.ts'
import { isEvaluationMetric, isSmoothable } from './metric-catalog.ts'
import { smoothSeries } from './smoothing.ts'
import { runOrigin, toXY, type XMode } from './x-axis.ts'

/**
 * 'recorded': the values as recorded; 'smoothed': their EMA; 'raw': the recorded values faint behind a smoothed line;
 * 'mean': a variant's mean over its seeds; 'band': an edge of the band around it (the upper one is filled down to the lower).
 */
export type LineRole = 'recorded' | 'smoothed' | 'raw' | 'mean' | 'band'

/** A point of a chart line; a group's mean also carries its band and how many runs it averages. */
export interface ChartPoint {
  x: number
  y: number
  low?: number
  high?: number
  n?: number
}

export interface LineDataset {
  label: string
  /** the run drawn, or null for a group's lines */
  runId: number | null
  role: LineRole
  /** chart.js draws higher orders first: the faint raw lines stay behind */
  order: number
  data: ChartPoint[]
  /** a band's upper edge fills down to the dataset before it (its lower edge) */
  fill?: string | false
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
  /** the x axis; step if left out */
  xMode?: XMode
}

export type RunLine = Pick<RunRecord, 'id' | 'variant' | 'seed'> & { startedAt?: string | null }

/** A run's points on the chosen x axis (relative time counts from the run's start). */
function linePoints(run: RunLine, points: readonly MetricPoint[], mode: XMode): ChartPoint[] {
  return toXY(points, mode, mode === 'relative' ? runOrigin(run.startedAt, points) : 0)
}

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
  const smoothing = isSmoothable(options.metric) ? options.smoothing : 0
  const mode = options.xMode ?? 'step'
  return runStyles(runs, options.shades).flatMap(({ run, label, colour, dash }) => {
    const recorded = seriesOf(run.id)
    const line = (role: LineRole, points: readonly MetricPoint[]): LineDataset => ({
      label,
      runId: run.id,
      role,
      order: role === 'raw' ? 1 : 0,
      data: linePoints(run, points, mode),
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

export interface GroupOptions extends DatasetOptions {
  band: BandKind
}

/**
 * One mean line per variant over its runs (seeds), with its band: the lower edge, then the upper edge
 * filled down to it. Each run is smoothed (training metrics) and decimated before the statistics, which
 * align runs recorded at different steps as grouping.ts says.
 */
export function groupDatasets(runs: readonly RunLine[], seriesOf: (runId: number) => readonly MetricPoint[], options: GroupOptions): LineDataset[] {
  const smoothing = isSmoothable(options.metric) ? options.smoothing : 0
  const mode = options.xMode ?? 'step'
  const byVariant = new Map<Variant, RunLine[]>()
  for (const run of runs) byVariant.set(run.variant, [...(byVariant.get(run.variant) ?? []), run])
  const variants = [...byVariant.keys()].sort((a, b) => VARIANTS.indexOf(a) - VARIANTS.indexOf(b))
  return variants.flatMap((variant) => {
    const members = byVariant.get(variant)!
    const lines = members.map((run) => linePoints(run, decimate(smoothSeries(seriesOf(run.id), smoothing), options.maxPoints), mode))
    const stats = groupStats(lines, options.band)
    if (stats.length === 0) return []
    const colour = VARIANT_COLOURS[variant]
    const label = `${variant} · mean of ${members.length} run${members.length === 1 ? '' : 's'}`
    const edge = (y: 'low' | 'high', fill: string | false): LineDataset => ({
      label: `${label} (${y === 'low' ? 'band low' : 'band high'})`,
      runId: null,
      role: 'band',
      order: 2,
      data: stats.map((p) => ({ x: p.x, y: p[y] })),
      fill,
      borderColor: withAlpha(colour, 0),
      backgroundColor: withAlpha(colour, 0.18),
      borderDash: [],
      borderWidth: 0,
      pointRadius: 0,
      pointHoverRadius: 0
    })
    const mean: LineDataset = {
      label,
      runId: null,
      role: 'mean',
      order: 0,
      data: stats.map((p) => ({ x: p.x, y: p.mean, low: p.low, high: p.high, n: p.n })),
      borderColor: colour,
      backgroundColor: colour,
      borderDash: [],
      borderWidth: 2,
      pointRadius: 0,
      pointHoverRadius: 3
    }
    return [edge('low', false), edge('high', '-1'), mean]
  })
}
