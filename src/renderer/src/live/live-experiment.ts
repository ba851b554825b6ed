// What the Live view shows for one experiment, without Vue: its runs, their
// metric series (loaded once, then extended by 'run/metrics' events) and the
// progress of running runs. The view re-renders on onChange. Series beyond the
// default charts' are loaded when a chart picks them (track).
import type { Events, LabClient, Progress, RunRecord } from '../../../shared/api.ts'
import { VARIANTS } from '../../../shared/config.ts'
import { methodCharts } from '../../../shared/methods/index.ts'
import { SeriesStore } from '../charts/series-store.ts'

/** The four common charts' metrics, then every method's own curves (a run without the method has none of those). */
export const LIVE_METRICS: readonly string[] = ['eval/top1', 'loss', 'maskRate', 'pseudoLabelAccuracy', ...methodCharts(VARIANTS).map((chart) => chart.metric)]

export interface LiveOptions {
  /** points per series on the first load (the service down-samples) */
  maxPoints?: number
}

export class LiveExperiment {
  runs: RunRecord[] = []
  readonly progress = new Map<number, Progress>()
  readonly series = new SeriesStore()
  /** every metric name the runs recorded (their summaries and the live events): what a chart can pick */
  readonly recorded = new Set<string>()
  /** the names held and kept up to date */
  private readonly tracked = new Set<string>(LIVE_METRICS)
  private readonly maxPoints: number
  private disposed = false

  constructor(
    private readonly client: LabClient,
    readonly experimentId: number,
    private readonly onChange: () => void,
    options: LiveOptions = {}
  ) {
    this.maxPoints = options.maxPoints ?? 1000
  }

  /** Subscribes to the events; returns the unsubscribe. */
  attach(): () => void {
    const off = [
      this.client.on('run/metrics', (payload) => this.handleMetrics(payload)),
      this.client.on('run/status', (payload) => this.handleStatus(payload)),
      this.client.on('run/progress', (payload) => this.handleProgress(payload))
    ]
    return () => {
      this.disposed = true
      for (const unsubscribe of off) unsubscribe()
    }
  }

  async load(): Promise<void> {
    const runs = await this.client.call('runs/list', { experimentId: this.experimentId })
    if (this.disposed) return
    this.setRuns(runs)
    this.onChange()
    await Promise.all(this.runs.map((run) => this.loadSeries(run.id)))
  }

  /** Holds these names too from now on (a chart picked one): loads their history for every run. */
  async track(names: readonly string[]): Promise<void> {
    const added = names.filter((name) => !this.tracked.has(name))
    if (added.length === 0) return
    for (const name of added) this.tracked.add(name)
    await Promise.all(this.runs.map((run) => this.loadSeries(run.id, undefined, added)))
  }

  /** After the event stream was down: the runs' new statuses and only the points recorded meanwhile. */
  async catchUp(): Promise<void> {
    const runs = await this.client.call('runs/list', { experimentId: this.experimentId })
    if (this.disposed) return
    this.setRuns(runs)
    for (const run of this.runs) if (run.status !== 'running') this.progress.delete(run.id)
    this.onChange()
    await Promise.all(this.runs.map((run) => this.loadSeries(run.id, this.series.lastStep(run.id))))
  }

  handleMetrics(payload: Events['run/metrics']): void {
    if (!this.runs.some((run) => run.id === payload.runId)) return
    const before = this.recorded.size
    for (const name of Object.keys(payload.values)) this.recorded.add(name)
    // an older service sends no time: the values arrive within moments of being recorded
    const appended = this.series.append(payload.runId, payload.step, payload.values, this.tracked, payload.time ?? Date.now())
    if (appended || this.recorded.size !== before) this.onChange()
  }

  handleStatus({ run }: Events['run/status']): void {
    if (run.experimentId !== this.experimentId) return
    const known = this.runs.some((held) => held.id === run.id)
    this.setRuns(known ? this.runs.map((held) => (held.id === run.id ? run : held)) : [...this.runs, run])
    if (run.status !== 'running') this.progress.delete(run.id)
    this.onChange()
    // a run added later (e.g. a retry) has history of its own to fetch
    if (!known) void this.loadSeries(run.id).catch(() => {})
  }

  handleProgress(progress: Events['run/progress']): void {
    if (!this.runs.some((run) => run.id === progress.runId)) return
    this.progress.set(progress.runId, progress)
    this.onChange()
  }

  private setRuns(runs: RunRecord[]): void {
    this.runs = sortRuns(runs)
    for (const run of runs) for (const name of Object.keys(run.summary)) this.recorded.add(name)
  }

  private async loadSeries(runId: number, afterStep?: number, names: readonly string[] = [...this.tracked]): Promise<void> {
    const series = await this.client.call('runs/series', {
      runId,
      names: [...names],
      maxPoints: this.maxPoints,
      ...(afterStep !== undefined ? { afterStep } : {})
    })
    if (this.disposed) return
    this.series.merge(runId, series)
    this.onChange()
  }
}

function sortRuns(runs: RunRecord[]): RunRecord[] {
  return [...runs].sort((a, b) => a.id - b.id)
}
