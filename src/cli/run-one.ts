// One training run in the foreground with a progress line: shared by `run` and `compare`.
import type { RunConfig } from '../shared/config.ts'
import type { Dataset } from '../main/data/types.ts'
import { train, type Metrics, type TrainingResult } from '../main/trainer/loop.ts'
import { ProgressLine } from './progress.ts'

export interface RunOutcome {
  config: RunConfig
  result: TrainingResult
  /** last, min and max of each training metric over the run */
  metricSummary: Record<string, { last: number; min: number; max: number }>
  /** the EMA model's top-1 at each evaluation, in step order (for the median of the last 20) */
  evalTop1: number[]
}

export async function runInForeground(config: RunConfig, dataset: Dataset, label: string, quiet: boolean): Promise<RunOutcome> {
  const progress = new ProgressLine(label, quiet)
  const summary: RunOutcome['metricSummary'] = {}
  const evalTop1: number[] = []
  const record = (metrics: Metrics) => {
    for (const [name, value] of Object.entries(metrics)) {
      const s = summary[name]
      summary[name] = s ? { last: value, min: Math.min(s.min, value), max: Math.max(s.max, value) } : { last: value, min: value, max: value }
    }
  }
  let interrupted = false
  const onSignal = () => {
    interrupted = true
  }
  process.once('SIGINT', onSignal)
  try {
    const result = await train(config, dataset, {
      hooks: {
        onMetrics: (_step, metrics) => record(metrics),
        onEval: (_step, e) => {
          evalTop1.push(e.top1)
          record({ 'eval/top1': e.top1, 'eval/top5': e.top5, 'eval/loss': e.loss })
        },
        onProgress: (p) =>
          progress.update(
            p.step,
            p.totalSteps,
            `${p.imagesPerSecond.toFixed(0)} img/s` + (p.latestTop1 !== undefined ? `  top-1 ${p.latestTop1.toFixed(1)}%` : ''),
            p.etaSeconds
          ),
        control: () => (interrupted ? 'stop' : undefined)
      }
    })
    if (result.status !== 'finished') progress.break()
    return { config, result, metricSummary: summary, evalTop1 }
  } finally {
    process.removeListener('SIGINT', onSignal)
  }
}
