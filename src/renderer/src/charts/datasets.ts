// From held series to chart.js datasets: smoothed, decimated, one fixed
// colour per variant and a shade/dash per seed, ordered S, O, L, U, U+.
import type { MetricPoint, RunRecord } from '../../../shared/api.ts'
import { VARIANTS } from '../../../shared/config.ts'
import { seedIndexes, seedStyle } from './colours.ts'
import { decimate } from './decimate.ts'
import { smoothSeries } from './smoothing.ts'

export interface LineDataset {
  label: string
  runId: number
  data: { x: number; y: number }[]
  borderColor: string
  backgroundColor: string
  borderDash: number[]
  borderWidth: number
  pointRadius: number
  pointHoverRadius: number
}

export interface DatasetOptions {
  /** EMA weight in [0, 1) */
  smoothing: number
  /** points per line after decimation (about the chart's width in pixels) */
  maxPoints: number
  /** run id -> shade index, when seeds alone do not tell lines apart (comparing two runs of one seed) */
  shades?: Map<number, number>
}

export type RunLine = Pick<RunRecord, 'id' | 'variant' | 'seed'>

export function runLabel(run: RunLine): string {
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

export function buildDatasets(runs: readonly RunLine[], seriesOf: (runId: number) => readonly MetricPoint[], options: DatasetOptions): LineDataset[] {
  return runStyles(runs, options.shades).map(({ run, label, colour, dash }) => {
    // smooth the full series first: decimating first would smooth the extremes only
    const points = decimate(smoothSeries(seriesOf(run.id), options.smoothing), options.maxPoints)
    return {
      label,
      runId: run.id,
      data: points.map((p) => ({ x: p.step, y: p.value })),
      borderColor: colour,
      backgroundColor: colour,
      borderDash: dash,
      borderWidth: 1.75,
      pointRadius: 0,
      pointHoverRadius: 3
    }
  })
}
