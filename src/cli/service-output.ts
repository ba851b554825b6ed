// What a worker or serve prints on stderr: each run's status changes, a
// progress line per run training, and the service's warnings and errors.
import type { RunRecord } from '../shared/api.ts'
import { formatDuration } from '../shared/format.ts'
import type { EventSource } from '../main/service/index.ts'
import { ProgressLine } from './progress.ts'
import { runLabel } from './tables.ts'
import { resumeWords } from '../main/service/records.ts'

export function printServiceEvents(events: EventSource, quiet = false): () => void {
  const lines = new Map<number, ProgressLine>()
  const labels = new Map<number, string>()
  const lastStatus = new Map<number, string>()
  const lastPending = new Map<number, string | null>()
  const say = (line: string) => {
    for (const progress of lines.values()) progress.break()
    process.stderr.write(`${line}\n`)
  }
  const offs = [
    events.on('run/status', ({ run }) => {
      labels.set(run.id, `run ${run.id} ${runLabel(run)}`)
      const pending = run.pending ?? null
      if (pending && lastPending.get(run.id) !== pending) say(`${labels.get(run.id)}: ${pendingWords(pending)}...`)
      lastPending.set(run.id, pending)
      if (lastStatus.get(run.id) === run.status) return
      lastStatus.set(run.id, run.status)
      if (run.status !== 'running') lines.delete(run.id)
      say(`${labels.get(run.id)}: ${describe(run)}`)
    }),
    events.on('run/progress', (p) => {
      if (quiet) return
      let line = lines.get(p.runId)
      if (!line) lines.set(p.runId, (line = new ProgressLine(labels.get(p.runId) ?? `run ${p.runId}`)))
      const top1 = p.latestTop1 !== undefined ? `  top-1 ${p.latestTop1.toFixed(1)}%` : ''
      line.update(p.step, p.totalSteps, `${p.imagesPerSecond.toFixed(0)} img/s${top1}`, p.etaSeconds)
    }),
    events.on('log', (entry) => {
      if (entry.level !== 'info') say(`${entry.level}: ${entry.runId === null ? '' : `run ${entry.runId}: `}${entry.message}`)
    })
  ]
  return () => offs.forEach((off) => off())
}

/** "pausing" / "cancelling": asked, not yet taken effect (the trainer ends its step first). */
export function pendingWords(pending: 'pause' | 'cancel'): string {
  return pending === 'pause' ? 'pausing' : 'cancelling'
}

function describe(run: RunRecord): string {
  const top1 = run.summary['eval/top1']
  // where a resume continues: the newest whole checkpoint, not the last step the trainer reported
  const resume = run.resumeStep === undefined ? undefined : resumeWords(run.resumeStep, run.totalSteps)
  switch (run.status) {
    case 'running': {
      const from = run.resumeStep ? `its checkpoint at step ${run.resumeStep}/${run.totalSteps}` : `step 0/${run.totalSteps}`
      return `training from ${from}${run.backend ? ` on ${run.backend}` : ''}`
    }
    case 'finished':
      return `finished in ${formatDuration(run.trainSeconds)}${top1 ? `, top-1 ${top1.last.toFixed(2)}% (best ${top1.best.toFixed(2)}%)` : ''}`
    case 'paused':
    case 'interrupted':
      return `${run.status} at step ${run.step}/${run.totalSteps}${run.error ? `: ${run.error}` : ''}${resume && run.resumeStep !== run.step ? `; a resume ${resume}` : ''}`
    case 'failed':
    case 'cancelled':
      return `${run.status} at step ${run.step}/${run.totalSteps}${run.error ? `: ${run.error}` : ''}`
    case 'queued':
      return resume ? `queued: it ${resume}` : 'queued'
    default:
      return run.status
  }
}
