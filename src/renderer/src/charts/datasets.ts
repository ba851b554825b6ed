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

export function buildDatasets(runs: readonly RunLine[], seriesOf: (runId: number) => readonly MetricPoint[], options: DatasetOptions): LineDataset[] {
  const shades = options.shades ?? seedIndexes(runs)
  const ordered = [...runs].sort((a, b) => VARIANTS.indexOf(a.variant) - VARIANTS.indexOf(b.variant) || a.seed - b.seed || a.id - b.id)
  return ordered.map((run) => {
    const style = seedStyle(run.variant, shades.get(run.id) ?? 0)
    // smooth the full series first: decimating first would smooth the extremes only
    const points = decimate(smoothSeries(seriesOf(run.id), options.smoothing), options.maxPoints)
    return {
      label: runLabel(run),
      runId: run.id,
      data: points.map((p) => ({ x: p.step, y: p.value })),
      borderColor: style.colour,
      backgroundColor: style.colour,
      borderDash: style.dash,
      borderWidth: 1.75,
      pointRadius: 0,
      pointHoverRadius: 3
    }
  })
}
