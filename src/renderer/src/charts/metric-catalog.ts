// Every metric a run records, as a chart shows it: its title, axis and number
// format. The trainer's names come from the runs themselves (their summary and
// the live events); this module only knows how to present them, plus one
// derived metric (the share of a step spent waiting for data).
import type { MetricPoint } from '../../../shared/api.ts'
import { METHOD_DESCRIPTORS } from '../../../shared/methods/index.ts'
import type { ValueRange } from './chartjs.ts'
import { formatFraction } from '../util/format.ts'

export interface MetricInfo {
  name: string
  title: string
  yTitle: string
  format: (value: number) => string
  /** the values it can take (a fraction 0 to 1, a loss from 0 up); none where unknown */
  range?: ValueRange
}

const percent = (value: number) => `${value.toFixed(2)}%`
export const plain = (value: number): string => (value === 0 || Math.abs(value) >= 0.01 ? value.toFixed(4) : value.toExponential(2))

/** dataWaitSeconds / (dataWaitSeconds + stepSeconds), computed at each step where both were recorded. */
export const DATA_WAIT_SHARE = 'dataWaitShare'

export const PERCENT_RANGE: ValueRange = { min: 0, max: 100 }
const FRACTION: ValueRange = { min: 0, max: 1 }
const FROM_ZERO: ValueRange = { min: 0 }

const KNOWN: Record<string, Omit<MetricInfo, 'name'>> = {
  'eval/top1': { title: 'Top-1 accuracy (EMA model)', yTitle: 'top-1 %', format: percent, range: PERCENT_RANGE },
  'eval/top5': { title: 'Top-5 accuracy (EMA model)', yTitle: 'top-5 %', format: percent, range: PERCENT_RANGE },
  'eval/loss': { title: 'Evaluation loss', yTitle: 'loss', format: plain, range: FROM_ZERO },
  loss: { title: 'Training loss', yTitle: 'loss', format: plain, range: FROM_ZERO },
  lossLabeled: { title: 'Loss: labeled (supervised)', yTitle: 'loss', format: plain, range: FROM_ZERO },
  lossUnlabeled: { title: 'Loss: unlabeled (consistency)', yTitle: 'loss', format: plain, range: FROM_ZERO },
  lossContrastive: { title: 'Loss: contrastive', yTitle: 'loss', format: plain, range: FROM_ZERO },
  // FreeMatch's fairness term is a negative entropy: it lies below zero
  lossFairness: { title: 'Loss: fairness', yTitle: 'loss', format: plain },
  maskRate: { title: 'Mask rate (pseudo-labels above the threshold)', yTitle: 'fraction kept', format: formatFraction, range: FRACTION },
  pseudoLabelAccuracy: { title: 'Pseudo-label accuracy (of those kept)', yTitle: 'accuracy', format: formatFraction, range: FRACTION },
  lr: { title: 'Learning rate', yTitle: 'lr', format: plain, range: FROM_ZERO },
  imagesPerSecond: { title: 'Throughput', yTitle: 'images/s', format: (value) => value.toFixed(1), range: FROM_ZERO },
  stepSeconds: { title: 'Step time (compute)', yTitle: 'seconds', format: plain, range: FROM_ZERO },
  dataWaitSeconds: { title: 'Data wait per step', yTitle: 'seconds', format: plain, range: FROM_ZERO },
  [DATA_WAIT_SHARE]: { title: 'Data-wait share of a step', yTitle: 'share of step time', format: formatFraction, range: FRACTION }
}

// the methods' own curves, titled as their descriptors title them
for (const method of METHOD_DESCRIPTORS) {
  for (const chart of method.charts ?? []) KNOWN[chart.metric] ??= { title: chart.title, yTitle: chart.yTitle, format: plain }
}

export function metricInfo(name: string): MetricInfo {
  return { name, ...(KNOWN[name] ?? { title: name, yTitle: name, format: plain }) }
}

/** Evaluation metrics are sparse measurements of the model, not noisy per-step values: never smoothed. */
export function isEvaluationMetric(metric: string): boolean {
  return metric.startsWith('eval/')
}

/** The learning rate is a schedule, not a noisy measurement: smoothing would only make it lag. */
const EXACT = new Set(['lr'])

/** Whether the view's smoothing applies: to noisy training metrics only. */
export function isSmoothable(metric: string): boolean {
  return !isEvaluationMetric(metric) && !EXACT.has(metric)
}

/** The recorded series a metric is drawn from (itself, or the sources of a derived one). */
export function sourcesOf(metric: string): string[] {
  return metric === DATA_WAIT_SHARE ? ['dataWaitSeconds', 'stepSeconds'] : [metric]
}

/** A metric's points from the recorded series `get` gives (derived ones computed step by step). */
export function seriesFor(metric: string, get: (name: string) => readonly MetricPoint[]): readonly MetricPoint[] {
  if (metric !== DATA_WAIT_SHARE) return get(metric)
  const compute = new Map(get('stepSeconds').map((p) => [p.step, p.value]))
  const out: MetricPoint[] = []
  for (const wait of get('dataWaitSeconds')) {
    const step = compute.get(wait.step)
    if (step === undefined || wait.value + step <= 0) continue
    out.push({ ...wait, value: wait.value / (wait.value + step) })
  }
  return out
}

const ORDER = Object.keys(KNOWN)

/** What a picker offers for these recorded names: known metrics in a fixed order, then the rest by name; derived ones where their sources are. */
export function chartableMetrics(recorded: Iterable<string>): string[] {
  const names = new Set(recorded)
  if (sourcesOf(DATA_WAIT_SHARE).every((source) => names.has(source))) names.add(DATA_WAIT_SHARE)
  const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length)
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
}
