// `run` and `compare` in the foreground, through the lab service like
// everything else: their runs are recorded in the home's store (History,
// Results, resumable), trained by the scheduler on its slots, each in its own
// trainer process; the terminal shows a progress line per run as before.
// Ctrl-C pauses them with a checkpoint (they wait, first in line, for the next
// worker or a `queue resume`); a second Ctrl-C kills them at once.
import type { Handlers, RunRecord } from '../shared/api.ts'
import type { RunConfig } from '../shared/config.ts'
import type { Dataset } from '../main/data/types.ts'
import { LabService } from '../main/service/index.ts'
import { SettingsFileError } from '../main/service/settings-file.ts'
import { StoreLockedError } from '../main/store/index.ts'
import { CliError } from './args.ts'
import { storeInUseError } from './hosting.ts'
import { ProgressLine } from './progress.ts'

/** One run's end as `run` and `compare` print it (the shape the table code reads). */
export interface RunOutcome {
  config: RunConfig
  runId: number
  result: {
    /** stopped: paused by Ctrl-C (resumable) */
    status: 'finished' | 'stopped' | 'failed' | 'cancelled' | 'interrupted'
    step: number
    backend: { backend: string | null; device: string | null }
    splitHash: string | null
    /** the last evaluation (EMA weights), at the last step */
    final?: { top1: number; top5: number; loss: number }
    best?: { top1: number }
    trainSeconds: number
    error: string | null
  }
  /** last, min and max of each recorded metric over the run */
  metricSummary: Record<string, { last: number; min: number; max: number }>
  /** the EMA top-1 under each reporting protocol (final, best, median of the last 20); null before any evaluation */
  results: RunRecord['results'] | null
}

export interface ForegroundOptions {
  home: string
  /** `--slots`; else the home's settings file, else the default */
  slots?: number
  /** queues this command's runs; returns their ids in the order they are reported */
  queue(handlers: Handlers): Promise<number[]>
  /** the progress line's label of each run */
  label(run: RunRecord, index: number): string
  /** each run as it ends (finished, failed, cancelled) */
  onEnded?(outcome: RunOutcome, index: number): void
}

export interface ForegroundResult {
  outcomes: RunOutcome[]
  /** Ctrl-C stopped them */
  interrupted: boolean
}

const ENDED = new Set<RunRecord['status']>(['finished', 'failed', 'cancelled'])

export async function trainInForeground(options: ForegroundOptions): Promise<ForegroundResult> {
  const service = openService(options.home, options.slots)
  const latest = new Map<number, RunRecord>()
  const lines = new Map<number, ProgressLine>()
  let ids: number[] = []
  const indexOf = (runId: number) => ids.indexOf(runId)
  const offs = [
    service.events.on('run/status', ({ run }) => {
      const index = indexOf(run.id)
      if (index < 0) return
      const before = latest.get(run.id)?.status
      latest.set(run.id, run)
      if (ENDED.has(run.status) && before !== run.status) {
        if (run.status !== 'finished') lines.get(run.id)?.break()
        lines.delete(run.id)
        options.onEnded?.(outcomeOf(run), index)
      }
    }),
    service.events.on('run/progress', (p) => {
      const run = latest.get(p.runId)
      if (!run) return
      let line = lines.get(p.runId)
      if (!line) lines.set(p.runId, (line = new ProgressLine(options.label(run, indexOf(p.runId)))))
      line.update(
        p.step,
        p.totalSteps,
        `${p.imagesPerSecond.toFixed(0)} img/s` + (p.latestTop1 !== undefined ? `  top-1 ${p.latestTop1.toFixed(1)}%` : ''),
        p.etaSeconds
      )
    })
  ]
  let interrupted = false
  const onSignal = () => {
    if (interrupted) {
      void service.close()
      return
    }
    interrupted = true
    for (const line of lines.values()) line.break()
    // paused with a checkpoint, back at the head of the queue: resumable
    void service.close({ pauseRunning: true })
  }
  process.on('SIGINT', onSignal)
  try {
    ids = await options.queue(service.handlers)
    for (const run of await service.handlers['queue/list']()) if (ids.includes(run.id)) latest.set(run.id, run)
    service.start({ only: ids })
    await service.whenIdle()
    const outcomes: RunOutcome[] = []
    // after a Ctrl-C the store is closed: the records its last events carried
    for (const runId of ids) outcomes.push(outcomeOf(service.store.isOpen ? await service.handlers['runs/get']({ runId }) : latest.get(runId)!))
    return { outcomes, interrupted }
  } finally {
    process.removeListener('SIGINT', onSignal)
    offs.forEach((off) => off())
    await service.close({ pauseRunning: true })
  }
}

function openService(home: string, slots: number | undefined): LabService {
  try {
    return LabService.open({ homeDir: home, slots })
  } catch (error) {
    if (error instanceof SettingsFileError) throw new CliError(error.message)
    if (error instanceof StoreLockedError) throw storeInUseError(home, error)
    throw error
  }
}

function outcomeOf(run: RunRecord): RunOutcome {
  const top1 = run.summary['eval/top1']
  const atEnd = (name: string) => {
    const summary = run.summary[name]
    return summary && summary.lastStep === run.step ? summary.last : undefined
  }
  const finalTop1 = atEnd('eval/top1')
  const metricSummary: RunOutcome['metricSummary'] = {}
  for (const [name, { last, min, max }] of Object.entries(run.summary)) metricSummary[name] = { last, min, max }
  return {
    config: run.config,
    runId: run.id,
    result: {
      status: run.status === 'finished' || run.status === 'failed' || run.status === 'cancelled' || run.status === 'interrupted' ? run.status : 'stopped',
      step: run.step,
      backend: { backend: run.backend, device: run.device },
      splitHash: run.splitHash,
      final: finalTop1 === undefined ? undefined : { top1: finalTop1, top5: atEnd('eval/top5') ?? NaN, loss: atEnd('eval/loss') ?? NaN },
      best: top1 ? { top1: top1.best } : undefined,
      trainSeconds: run.trainSeconds,
      error: run.error
    },
    metricSummary,
    results: run.results ?? null
  }
}

/** How many test images an evaluation of this config scores (evalLimit caps the test set). */
export function evalCount(config: RunConfig, dataset: Dataset): number {
  return config.evalLimit ? Math.min(config.evalLimit, dataset.test.count) : dataset.test.count
}
