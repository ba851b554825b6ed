// What one chart panel draws for its metric under the view's settings: a line
// per run, or (grouped) a mean and band per variant; derived metrics computed
// from their recorded sources.
import type { MetricPoint } from '../../../shared/api.ts'
import { buildDatasets, groupDatasets, type LineDataset, type RunLine } from './datasets.ts'
import type { BandKind } from './grouping.ts'
import { seriesFor } from './metric-catalog.ts'
import type { XMode } from './x-axis.ts'

/** The settings a view applies to all its panels. */
export interface ChartSettings {
  /** EMA weight for training metrics */
  smoothing: number
  xMode: XMode
  /** one mean line and band per variant instead of a line per run */
  group: boolean
  band: BandKind
}

export const DEFAULT_CHART_SETTINGS: Readonly<ChartSettings> = { smoothing: 0.6, xMode: 'step', group: false, band: 'minmax' }

export interface PanelInput {
  runs: readonly RunLine[]
  /** a run's recorded series of one name */
  seriesOf: (runId: number, name: string) => readonly MetricPoint[]
  metric: string
  settings: ChartSettings
  shades?: Map<number, number>
  maxPoints?: number
}

export function panelDatasets({ runs, seriesOf, metric, settings, shades, maxPoints = 1000 }: PanelInput): LineDataset[] {
  const series = (runId: number) => seriesFor(metric, (name) => seriesOf(runId, name))
  const options = { metric, smoothing: settings.smoothing, maxPoints, shades, xMode: settings.xMode }
  return settings.group ? groupDatasets(runs, series, { ...options, band: settings.band }) : buildDatasets(runs, series, options)
}
