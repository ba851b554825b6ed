// The store's rows in the contract's shapes: ISO times, summaries without the
// store's bookkeeping fields; with what only the service knows (a pending
// pause or cancel) and the step a resumed run continues from.
import type { ExperimentRecord, MetricSummary, RunRecord, RunResults } from '../../shared/api.ts'
import { MEDIAN_WINDOW, runResults } from '../../shared/results/run-results.ts'
import type { ExperimentListItem, RunListItem, RunStore } from '../store/index.ts'

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

/**
 * The store's row is the contract's record with times in milliseconds and bookkeeping fields: only those
 * differ; plus the run's results, read from its eval/top1 series.
 */
export function toApiRun(store: RunStore, item: RunListItem): RunRecord {
  const { lastHeartbeatAt: _heartbeat, experimentName: _name, createdAt, startedAt, finishedAt, summary, ...same } = item
  const apiSummary: Record<string, MetricSummary> = {}
  for (const [name, { bestIs: _bestIs, count: _count, ...kept }] of Object.entries(summary)) apiSummary[name] = kept
  return { ...same, createdAt: iso(createdAt)!, startedAt: iso(startedAt), finishedAt: iso(finishedAt), summary: apiSummary, results: resultsOf(store, item) }
}

const TOP1 = 'eval/top1'

/**
 * Final and best from the summary of eval/top1; the median from its last 20 points. Computed here, not
 * kept in run_summary: a median cannot be merged batch by batch, and the store's listing never reads
 * metrics. So runs stored before this existed get theirs from their recorded series, like new ones.
 */
function resultsOf(store: RunStore, item: RunListItem): RunResults | null {
  const top1 = item.summary[TOP1]
  return top1 ? runResults(top1.last, top1.best, store.metrics.newest(item.id, TOP1, MEDIAN_WINDOW)) : null
}

export function toApiExperiment(item: ExperimentListItem): ExperimentRecord {
  return { id: item.id, name: item.name, description: item.description, createdAt: iso(item.createdAt)!, preset: item.preset, runIds: item.runIds }
}

/** A running run's pause or cancel not yet taken effect, as the service running it knows (none without a service). */
export type LiveStateOf = (run: RunRecord) => LiveState

/** What only the service working the queue knows of a run, none of it stored. */
export interface LiveState {
  /** a running run's pause or cancel not yet taken effect */
  pending?: RunRecord['pending']
  /** why a queued run does not start here */
  waiting?: string
  /** a running run's cluster job: its state and node */
  job?: NonNullable<RunRecord['slurmJob']>
}

const RESUMABLE = new Set<RunRecord['status']>(['queued', 'paused', 'interrupted', 'running'])

/** The step a resume of this run continues from: its newest checkpoint whose file is there whole, or null (it restarts from 0). */
export function resumeStepOf(store: RunStore, runId: number): number | null {
  return store.checkpoints.latest(runId, 'size')?.step ?? null
}

/** How a recovery line names where a run continues. */
export function resumeWords(resumeStep: number | null, totalSteps?: number): string {
  if (resumeStep === null) return 'restarts from step 0 (no checkpoint left)'
  return `continues from its checkpoint at step ${resumeStep}${totalSteps === undefined ? '' : `/${totalSteps}`}`
}

function withServiceState(store: RunStore, run: RunRecord, liveState: LiveStateOf | undefined): RunRecord {
  const live = liveState?.(run) ?? {}
  const pending = run.status === 'running' ? (live.pending ?? null) : null
  const waiting = run.status === 'queued' ? (live.waiting ?? null) : null
  const slurmJob = run.status === 'running' ? (live.job ?? null) : null
  return { ...run, pending, waiting, slurmJob, ...(RESUMABLE.has(run.status) && run.step > 0 ? { resumeStep: resumeStepOf(store, run.id) } : {}) }
}

/** Runs by id in the contract's shape, in the order asked (missing ones left out). */
export function apiRuns(store: RunStore, ids: number[], liveState?: LiveStateOf): RunRecord[] {
  if (ids.length === 0) return []
  const byId = new Map(store.runs.list({ ids }).map((item) => [item.id, item]))
  return ids.flatMap((runId) => {
    const item = byId.get(runId)
    return item ? [withServiceState(store, toApiRun(store, item), liveState)] : []
  })
}

/** What 'queue/list' answers: running runs first, then the queue in order. */
export function queueView(store: RunStore, liveState?: LiveStateOf): RunRecord[] {
  const running = store.runs.list({ status: 'running', order: 'oldest' }).map((item) => withServiceState(store, toApiRun(store, item), liveState))
  return [
    ...running,
    ...apiRuns(
      store,
      store.queue.list().map((run) => run.id),
      liveState
    )
  ]
}
