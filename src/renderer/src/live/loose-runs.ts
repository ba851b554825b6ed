// The runs Live lists outside any experiment (queued with `queue add`, or
// one-off runs): those in flight with their progress, and the latest ones
// that ended, which keep their status, final top-1 and time. Plain TS like
// LiveExperiment; the view re-renders on onChange.
import { RUN_STATUSES, type Events, type LabClient, type Progress, type RunRecord } from '../../../shared/api.ts'

/** How many ended loose runs stay listed (the newest); History has the rest. */
export const ENDED_LOOSE_RUNS_SHOWN = 10

const IN_FLIGHT_STATUSES: RunRecord['status'][] = ['queued', 'running', 'paused', 'interrupted']
const IN_FLIGHT = new Set(IN_FLIGHT_STATUSES)
const ENDED_STATUSES = RUN_STATUSES.filter((status) => !IN_FLIGHT.has(status))

/** The loose runs worth listing, oldest first: every one in flight, and the newest ended ones. */
export function looseRunsShown(runs: readonly RunRecord[]): RunRecord[] {
  const loose = runs.filter((run) => run.experimentId === null)
  const ended = loose
    .filter((run) => !IN_FLIGHT.has(run.status))
    .sort((a, b) => b.id - a.id)
    .slice(0, ENDED_LOOSE_RUNS_SHOWN)
  return [...loose.filter((run) => IN_FLIGHT.has(run.status)), ...ended].sort((a, b) => a.id - b.id)
}

export class LooseRuns {
  runs: RunRecord[] = []
  readonly progress = new Map<number, Progress>()
  private disposed = false

  constructor(
    private readonly client: LabClient,
    private readonly onChange: () => void
  ) {}

  attach(): () => void {
    const off = [
      this.client.on('run/status', (payload) => this.handleStatus(payload)),
      this.client.on('run/progress', (payload) => this.handleProgress(payload))
    ]
    return () => {
      this.disposed = true
      for (const unsubscribe of off) unsubscribe()
    }
  }

  async load(): Promise<void> {
    // experimentId null: the runs of no experiment, however many others there are
    const [inFlight, ended] = await Promise.all([
      this.client.call('runs/list', { experimentId: null, status: IN_FLIGHT_STATUSES }),
      this.client.call('runs/list', { experimentId: null, status: ENDED_STATUSES, limit: ENDED_LOOSE_RUNS_SHOWN })
    ])
    if (this.disposed) return
    this.runs = looseRunsShown([...inFlight, ...ended])
    for (const id of this.progress.keys()) if (!this.runs.some((run) => run.id === id && run.status === 'running')) this.progress.delete(id)
    this.onChange()
  }

  handleStatus({ run }: Events['run/status']): void {
    if (run.experimentId !== null) return
    this.runs = looseRunsShown([...this.runs.filter((held) => held.id !== run.id), run])
    if (run.status !== 'running') this.progress.delete(run.id)
    this.onChange()
  }

  handleProgress(progress: Events['run/progress']): void {
    if (!this.runs.some((run) => run.id === progress.runId)) return
    this.progress.set(progress.runId, progress)
    this.onChange()
  }
}
