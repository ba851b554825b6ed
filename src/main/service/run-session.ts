// One run in one trainer process, from launch to exit: it hands the trainer
// its checkpoints to resume from, records what the trainer reports (metrics
// in batched transactions, checkpoints with pruning, heartbeats), watches the
// heartbeat, and writes the run's final status. If the process dies without
// its last word, the run becomes interrupted: never left 'running'.
import fs from 'node:fs'
import path from 'node:path'
import { StoreFullError, type MetricPoint } from '../store/index.ts'
import { ConfigError, resolveConfig, type RunConfig } from '../../shared/config.ts'
import { parseFromTrainer, type FromTrainer } from '../trainer/protocol.ts'
import { checkpointDir, type ServiceContext } from './context.ts'
import type { JobState, TrainerHandle, TrainerLauncher } from './launcher.ts'

/** disk-full and store-failed: the run is paused and the queue held (the next run would fail the same way) */
/** detached: the service stopped and left the run's cluster job running (still 'running' in the store: the next service re-attaches) */
export type SessionOutcome = 'finished' | 'paused' | 'requeued' | 'cancelled' | 'failed' | 'interrupted' | 'disk-full' | 'store-failed' | 'detached'

export interface SessionEnd {
  runId: number
  outcome: SessionOutcome
  /** a new checkpoint was recorded during this session */
  madeProgress: boolean
}

const FLUSH_MS = 500
const FLUSH_POINTS = 500
const PROGRESS_EVERY_MS = 500
/** after its last word (or a stop), a trainer that has not exited by then is killed */
const EXIT_GRACE_MS = 15_000
const STDERR_TAIL = 12
const OUTPUT_LINES_LOGGED = 200

export class RunSession {
  readonly ended: Promise<SessionEnd>
  private resolveEnded!: (end: SessionEnd) => void
  private handle: TrainerHandle | undefined
  /** set once the run's final status for this session is written */
  private outcome: SessionOutcome | undefined
  private wanted: 'pause' | 'stop' | undefined
  private requeueOnPause = false
  private madeProgress = false
  private step = 0
  private trainSeconds = 0
  private totalSteps = 0
  private lastHeard = Date.now()
  /**
   * the heartbeat clock runs once a trainer can be expected to speak: at once for a local process; for a
   * cluster job, once it is RUNNING or its trainer has said something (it may be PENDING for hours)
   */
  private clockRunning = true
  /** the trainer announced a long synchronous stretch (an evaluation) until then */
  private quietUntil = 0
  private killReason: string | undefined
  private buffer: MetricPoint[] = []
  private bufferedEvents: { step: number; values: Record<string, number>; time: number }[] = []
  private progressDirty = false
  private flushTimer: NodeJS.Timeout | undefined
  private watchdog: NodeJS.Timeout | undefined
  private exitTimer: NodeJS.Timeout | undefined
  private lastProgressEvent = 0
  private readonly stderrTail: string[] = []
  private outputLines = 0
  private candidateCount = 0
  /** a cluster job's latest state, for the queue view */
  private job: JobState | undefined

  constructor(
    private readonly ctx: ServiceContext,
    readonly runId: number,
    /** its executor's: a local trainer process, or a Slurm job */
    private readonly launcher: TrainerLauncher,
    /** after the trainer's 'started' is recorded (its backend known) */
    private readonly whenStarted: () => void = () => {},
    /** the cluster job an earlier service left running for this run: attached to, not submitted again */
    private readonly attachTo?: string
  ) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve))
  }

  /** Launches the trainer for a run the scheduler has just marked running. */
  start(): void {
    const { store, settings } = this.ctx
    const run = store.runs.require(this.runId)
    this.step = run.step
    this.trainSeconds = run.trainSeconds
    this.totalSteps = run.totalSteps
    const candidates = store.checkpoints.list(this.runId).map(({ path, step, bytes, sha256 }) => ({ path, step, bytes, sha256 }))
    this.candidateCount = candidates.length
    // a config stored by an older version may break today's bounds: the trainer would refuse it without a word
    const invalid = configProblem(run.config)
    if (invalid) {
      this.finish('failed', {}, `its stored config is not valid (${invalid}): edit it and queue the run again`)
      this.onExit(null, null)
      return
    }
    try {
      this.handle = this.launcher.launch({ runId: this.runId, config: run.config, slurm: run.slurm, ...(this.attachTo ? { jobId: this.attachTo } : {}) })
    } catch (error) {
      this.killReason = `the trainer process could not be started: ${(error as Error).message}`
      this.onExit(null, null)
      return
    }
    this.handle.onMessage((message) => this.onMessage(message))
    this.handle.onOutput((line, stream) => this.onOutput(line, stream))
    this.handle.onExit((code, signal) => this.onExit(code, signal))
    this.handle.onJobSubmitted?.((jobId) => this.onJobSubmitted(jobId))
    if (this.handle.onJobState) {
      this.clockRunning = false
      this.handle.onJobState((state) => this.onJobState(state))
    }
    this.handle.send({
      type: 'start',
      runId: this.runId,
      config: run.config,
      homeDir: settings.homeDir,
      checkpointDir: checkpointDir(settings.homeDir, this.runId),
      resumeCandidates: candidates,
      heartbeatMs: settings.heartbeatMs
    })
    this.lastHeard = Date.now()
    this.watchdog = setInterval(() => this.checkHeartbeat(), Math.min(1000, Math.max(50, settings.heartbeatTimeoutMs / 4)))
  }

  get pid(): number | undefined {
    return this.handle?.pid
  }

  /** The state of the cluster job it trains in, if it does. */
  get jobState(): JobState | undefined {
    return this.job
  }

  /** A pause or cancel asked and not yet taken effect (until the run's status for this session is written). */
  get pending(): 'pause' | 'cancel' | undefined {
    if (this.outcome || !this.wanted) return undefined
    return this.wanted === 'stop' ? 'cancel' : 'pause'
  }

  /** Asks for a pause (the trainer checkpoints first). requeue: back in the queue afterwards (a service shutdown), not held. */
  pause(requeue = false): void {
    if (this.outcome) return
    this.requeueOnPause ||= requeue
    if (this.wanted) return
    this.wanted = 'pause'
    this.handle?.send({ type: 'pause' })
  }

  /** Cancels the run: the trainer stops without a checkpoint (a cluster job is cancelled); killed if it does not within the grace time. */
  stop(): void {
    if (this.outcome || this.wanted === 'stop') return
    this.wanted = 'stop'
    this.handle?.send({ type: 'stop' })
    // a cluster job is ended by the cluster (scancel): its allocation is released now, whatever its trainer does
    if (this.handle?.onJobState) this.handle.kill()
    this.armExitTimer('it did not stop when asked')
  }

  /** Whether the service can stop without ending this run: its trainer is a cluster job, which keeps running. */
  get detachable(): boolean {
    return !this.outcome && !!this.handle?.detach && this.ctx.store.runs.require(this.runId).slurmJobId !== null
  }

  /** The service stops: what was received is recorded, the job keeps running, and the run stays 'running' for the next service. */
  detach(): void {
    if (this.outcome || !this.handle?.detach) return
    try {
      this.flush()
    } catch (error) {
      this.ctx.log(this.runId, 'error', `the last metrics could not be recorded: ${(error as Error).message}`, 'status')
    }
    this.recorded()
    this.handle.detach()
    this.outcome = 'detached'
    const jobId = this.ctx.store.runs.require(this.runId).slurmJobId
    this.ctx.log(this.runId, 'info', `the service stopped; Slurm job ${jobId} keeps running and the next service re-attaches to it`, 'slurm', { jobId })
    clearInterval(this.watchdog)
    clearTimeout(this.exitTimer)
    clearTimeout(this.flushTimer)
    this.resolveEnded({ runId: this.runId, outcome: 'detached', madeProgress: this.madeProgress })
  }

  /** Ends the trainer at once; the run becomes interrupted (or cancelled if a stop was asked). */
  kill(reason: string): void {
    this.killReason ??= reason
    this.handle?.kill()
  }

  private onMessage(raw: unknown): void {
    this.lastHeard = Date.now()
    this.clockRunning = true
    if (this.outcome) return this.recorded() // after the last word nothing more is recorded
    let message: FromTrainer
    try {
      message = parseFromTrainer(raw)
    } catch (error) {
      this.ctx.log(this.runId, 'warn', `ignored a malformed message from the trainer: ${(error as Error).message}`, 'trainer')
      return
    }
    try {
      this.handleMessage(message)
    } catch (error) {
      return this.onRecordingError(error)
    }
    // a message handled at once (a checkpoint, a log, the last word) is in the store now; metrics are after the next flush
    if (this.buffer.length === 0) this.recorded()
  }

  /** Tells a trainer that holds its messages until they are recorded (a cluster job's, across service restarts) that they are. */
  private recorded(): void {
    if (this.outcome === 'detached') return
    this.handle?.acknowledge?.()
  }

  private handleMessage(m: FromTrainer): void {
    switch (m.type) {
      case 'started':
        return this.onStarted(m)
      case 'metrics':
        return this.bufferPoints(m.step, m.values)
      case 'eval':
        return this.bufferPoints(m.step, { 'eval/top1': m.top1, 'eval/top5': m.top5, 'eval/loss': m.loss })
      case 'diagnostics':
        return this.onDiagnostics(m)
      case 'progress':
        return this.onProgress(m)
      case 'heartbeat':
        if (m.quietMs) this.quietUntil = Date.now() + m.quietMs
        this.step = m.step
        this.trainSeconds = m.trainSeconds
        this.progressDirty = true
        return this.scheduleFlush()
      case 'checkpoint':
        return this.onCheckpoint(m)
      case 'log':
        return this.ctx.log(this.runId, m.level, m.message, 'trainer')
      case 'paused':
        return this.finish(this.requeueOnPause ? 'requeued' : 'paused', m)
      case 'stopped':
        return this.finish('cancelled', m, `cancelled at step ${m.step ?? this.step}`)
      case 'finished':
        return this.finish('finished', m)
      case 'failed':
        return this.finish(m.diskFull ? 'disk-full' : m.resumable ? 'paused' : 'failed', {}, m.message)
    }
  }

  private onStarted(m: Extract<FromTrainer, { type: 'started' }>): void {
    const { store } = this.ctx
    const from = m.resumedFromStep ?? 0
    this.step = from
    this.trainSeconds = m.trainSeconds
    const rejectedPaths = new Set(m.rejected.map((r) => r.path))
    store.transaction(() => {
      store.runs.setStartInfo(this.runId, {
        splitHash: m.splitHash,
        backend: m.backend,
        device: m.device,
        appVersion: this.ctx.settings.appVersion,
        libraryVersions: m.libraryVersions,
        os: m.os
      })
      for (const record of store.checkpoints.list(this.runId)) if (rejectedPaths.has(record.path)) store.checkpoints.remove(record.id)
      // the steps after the checkpoint are trained again and log the same metrics again
      store.metrics.truncateAfter(this.runId, from)
      store.diagnostics.truncateAfter(this.runId, from)
      store.runs.heartbeat(this.runId, { step: from, trainSeconds: m.trainSeconds })
    })
    for (const rejected of m.rejected) {
      fs.rmSync(rejected.path, { force: true })
      this.ctx.log(
        this.runId,
        'warn',
        `checkpoint at step ${rejected.step} is unusable (${rejected.reason}): deleted, falling back to an older one`,
        'checkpoint',
        rejected
      )
    }
    if (m.resumedFromStep !== null) {
      this.ctx.log(this.runId, 'info', `resumed from the checkpoint at step ${m.resumedFromStep} on ${m.backend} (${m.device})`, 'status')
    } else if (this.candidateCount > 0) {
      this.ctx.log(this.runId, 'warn', 'no valid checkpoint left: restarting this run from step 0 (its earlier metrics were cleared)', 'status')
    } else {
      this.ctx.log(this.runId, 'info', `started on ${m.backend} (${m.device}), split ${m.splitHash}`, 'status')
    }
    this.ctx.runChanged(this.runId)
    this.whenStarted()
  }

  private bufferPoints(step: number, values: Record<string, number | null>): void {
    const wallTime = Date.now()
    const finite: Record<string, number> = {}
    for (const [name, value] of Object.entries(values)) {
      // NaN and Infinity cross JSON as null: they are not measurements, and the store refuses them
      if (typeof value !== 'number' || !Number.isFinite(value)) continue
      finite[name] = value
      this.buffer.push({ step, name, value, wallTime })
    }
    this.bufferedEvents.push({ step, values: finite, time: wallTime })
    if (this.buffer.length >= FLUSH_POINTS) this.flush()
    else this.scheduleFlush()
  }

  /** One evaluation's diagnostics: a record of its own (a matrix is not a metric point), then the event. */
  private onDiagnostics(m: Extract<FromTrainer, { type: 'diagnostics' }>): void {
    const { step, classes, confusion, pseudoLabels, misclassified, unlabeled } = m
    this.ctx.store.diagnostics.record(this.runId, { step, classes, confusion, pseudoLabels, samples: { misclassified, unlabeled } })
    this.ctx.events.emit('run/diagnostics', { runId: this.runId, step })
  }

  private onProgress(m: Extract<FromTrainer, { type: 'progress' }>): void {
    this.step = m.step
    this.totalSteps = m.totalSteps
    const now = Date.now()
    if (now - this.lastProgressEvent < PROGRESS_EVERY_MS && m.step < m.totalSteps) return
    this.lastProgressEvent = now
    const { type: _type, ...progress } = m
    this.ctx.events.emit('run/progress', { runId: this.runId, ...progress })
  }

  private onCheckpoint(m: Extract<FromTrainer, { type: 'checkpoint' }>): void {
    const { store, settings } = this.ctx
    // the metrics up to this step are recorded before the checkpoint that covers them
    this.flush()
    this.step = m.step
    this.trainSeconds = m.trainSeconds
    const doomed = store.transaction(() => {
      // the same file name again (the same step): the record is replaced, not the file deleted
      for (const record of store.checkpoints.list(this.runId)) if (record.path === m.path) store.checkpoints.remove(record.id)
      store.checkpoints.add({ runId: this.runId, step: m.step, path: m.path, bytes: m.bytes, sha256: m.sha256 })
      store.runs.setStartInfo(this.runId, { splitHash: m.splitHash })
      store.runs.heartbeat(this.runId, { step: m.step, trainSeconds: m.trainSeconds })
      return store.checkpoints.prune(this.runId, settings.keepCheckpoints)
    })
    const kept = new Set(store.checkpoints.list(this.runId).map((c) => c.path))
    for (const old of doomed) if (!kept.has(old.path) && isInside(old.path, checkpointDir(settings.homeDir, this.runId))) fs.rmSync(old.path, { force: true })
    this.madeProgress = true
    this.ctx.log(this.runId, 'debug', `checkpoint at step ${m.step} (${m.bytes} bytes)`, 'checkpoint', { step: m.step, path: m.path, sha256: m.sha256 })
  }

  /** The trainer's last word: record everything, then the run's status for this session. */
  private finish(outcome: Exclude<SessionOutcome, 'detached'>, end: { step?: number; trainSeconds?: number }, error?: string): void {
    const { store } = this.ctx
    this.flush()
    if (end.step !== undefined) this.step = end.step
    if (end.trainSeconds !== undefined) this.trainSeconds = end.trainSeconds
    const details = { step: this.step, trainSeconds: this.trainSeconds }
    const status = {
      finished: 'finished',
      paused: 'paused',
      requeued: 'paused',
      cancelled: 'cancelled',
      failed: 'failed',
      'disk-full': 'paused',
      'store-failed': 'paused',
      interrupted: 'interrupted'
    } as const
    store.transaction(() => {
      store.queue.setStatus(this.runId, status[outcome], error === undefined ? details : { ...details, error })
      // paused for a shutdown: back in line (at the head, where it was) so the next worker continues it
      if (outcome === 'requeued') store.queue.setStatus(this.runId, 'queued')
    })
    this.outcome = outcome
    const level = outcome === 'failed' || outcome === 'disk-full' || (outcome === 'paused' && error !== undefined) ? 'error' : 'info'
    const said: Record<typeof outcome, string> = {
      finished: `finished at step ${this.step}`,
      paused: error === undefined ? `paused at step ${this.step} (checkpointed)` : `paused: ${error}`,
      requeued: `paused at step ${this.step} (checkpointed) for a shutdown: it continues first when the queue is worked again`,
      cancelled: `cancelled at step ${this.step}`,
      failed: `failed: ${error}`,
      'disk-full': `paused: ${error}`,
      'store-failed': `paused: ${error}`,
      interrupted: `interrupted: ${error}`
    }
    this.ctx.log(this.runId, level, said[outcome], 'status')
    this.ctx.runChanged(this.runId)
    this.armExitTimer('it did not exit after its last message')
  }

  private onExit(code: number | null, signal: string | null): void {
    clearInterval(this.watchdog)
    clearTimeout(this.exitTimer)
    clearTimeout(this.flushTimer)
    if (!this.outcome) this.recordDeath(code, signal)
    this.resolveEnded({ runId: this.runId, outcome: this.outcome ?? 'interrupted', madeProgress: this.madeProgress })
  }

  /** The process went without its last word: keep what it reported, mark the run interrupted (or cancelled, if asked to stop). */
  private recordDeath(code: number | null, signal: string | null): void {
    const { store } = this.ctx
    try {
      this.flush()
    } catch (error) {
      this.ctx.log(this.runId, 'error', `the last metrics could not be recorded: ${(error as Error).message}`, 'status')
    }
    const cancelled = this.wanted === 'stop'
    const why = this.killReason ?? describeExit(code, signal)
    const tail = this.stderrTail.length ? `; its last output: ${this.stderrTail.slice(-3).join(' | ')}` : ''
    const error = cancelled ? `cancelled at step ${this.step}` : `the trainer process ${why} at step ${this.step}${tail}`
    this.outcome = cancelled ? 'cancelled' : 'interrupted'
    try {
      store.queue.setStatus(this.runId, this.outcome, { error, step: this.step, trainSeconds: this.trainSeconds })
      this.ctx.log(this.runId, cancelled ? 'info' : 'warn', cancelled ? error : `interrupted: ${error}`, 'status')
      this.ctx.runChanged(this.runId)
    } catch (failure) {
      // left 'running' in the store: the next service start marks it interrupted
      this.ctx.log(this.runId, 'error', `could not record that the run ended (${(failure as Error).message}): ${error}`, 'status')
    }
  }

  private onJobSubmitted(jobId: string): void {
    try {
      this.ctx.store.runs.setSlurmJobId(this.runId, jobId)
    } catch (error) {
      return this.onRecordingError(error)
    }
    this.ctx.log(this.runId, 'info', `submitted as Slurm job ${jobId}`, 'slurm', { jobId })
    this.ctx.runChanged(this.runId)
  }

  private onJobState(state: JobState): void {
    this.job = { state: state.state, nodes: state.nodes, reason: state.reason }
    if (state.state === 'RUNNING' && !this.clockRunning) {
      // its trainer starts now: from here on it has the heartbeat timeout to speak
      this.clockRunning = true
      this.lastHeard = Date.now()
    }
    const where = state.nodes ? ` on ${state.nodes}` : state.reason && state.reason !== 'None' ? ` (${state.reason})` : ''
    this.ctx.log(this.runId, 'debug', `Slurm job: ${state.state}${where}`, 'slurm', this.job)
    if (!this.outcome) this.ctx.runChanged(this.runId)
  }

  private onOutput(line: string, stream: 'stdout' | 'stderr'): void {
    if (stream === 'stderr') {
      this.stderrTail.push(line.slice(0, 300))
      if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift()
    }
    if (++this.outputLines <= OUTPUT_LINES_LOGGED) this.ctx.log(this.runId, stream === 'stderr' ? 'warn' : 'debug', line.slice(0, 2000), 'trainer-output')
  }

  private checkHeartbeat(): void {
    const silentMs = Date.now() - this.lastHeard
    if (this.outcome || !this.clockRunning || silentMs < this.ctx.settings.heartbeatTimeoutMs || Date.now() < this.quietUntil) return
    this.kill(`sent no heartbeat for ${Math.round(silentMs / 1000)} s (hung) and was killed`)
  }

  private armExitTimer(why: string): void {
    clearTimeout(this.exitTimer)
    this.exitTimer = setTimeout(() => this.kill(`${why} and was killed`), EXIT_GRACE_MS)
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined
      try {
        this.flush()
      } catch (error) {
        this.onRecordingError(error)
      }
    }, FLUSH_MS)
  }

  /** Records the buffered metrics and the latest step in one transaction, then announces them. */
  private flush(): void {
    clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    if (this.buffer.length === 0 && !this.progressDirty) return
    const points = this.buffer
    const announced = this.bufferedEvents
    this.buffer = []
    this.bufferedEvents = []
    this.progressDirty = false
    const { store } = this.ctx
    store.transaction(() => {
      if (points.length) store.metrics.append(this.runId, points)
      store.runs.heartbeat(this.runId, { step: this.step, trainSeconds: this.trainSeconds })
    })
    for (const { step, values, time } of announced) this.ctx.events.emit('run/metrics', { runId: this.runId, step, values, time })
    this.recorded()
  }

  /**
   * A write failed: the run stops here rather than train on unrecorded. A full
   * disk pauses it (and holds the queue); any other failure pauses it with the
   * reason. Either way it continues from its last recorded checkpoint when resumed.
   */
  private onRecordingError(error: unknown): void {
    if (this.outcome) return
    const full = error instanceof StoreFullError
    this.outcome = full ? 'disk-full' : 'store-failed'
    this.handle?.kill()
    let last: number | undefined
    try {
      last = this.ctx.store.checkpoints.list(this.runId)[0]?.step ?? 0
    } catch {
      // the store cannot even be read: the message says "its last checkpoint"
    }
    const from = last === undefined ? 'its last checkpoint' : `its checkpoint at step ${last}`
    const reason = error instanceof Error ? error.message : String(error)
    const message = full
      ? `${reason} The run is paused; it continues from ${from} once space is freed.`
      : `recording this run failed, so it was stopped instead of training on unrecorded: ${reason} ` +
        `The run is paused; once the cause is fixed, resume it to continue from ${from}.`
    try {
      this.ctx.store.queue.setStatus(this.runId, 'paused', { error: message })
      this.ctx.runChanged(this.runId)
    } catch {
      // even that could not be written: the run stays 'running' on disk and the next start marks it interrupted
    }
    this.ctx.log(this.runId, 'error', message, 'status')
  }
}

function describeExit(code: number | null, signal: string | null): string {
  if (signal === 'SIGKILL') return 'was killed (SIGKILL: out of memory, or ended by hand)'
  if (signal) return `was ended by ${signal}`
  return `exited with code ${code ?? 'unknown'} without finishing`
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file)
  return !!relative && !relative.startsWith('..') && !path.isAbsolute(relative)
}

function configProblem(config: RunConfig): string | undefined {
  try {
    resolveConfig(config as unknown as Record<string, unknown>)
    return undefined
  } catch (error) {
    if (error instanceof ConfigError) return error.message
    throw error
  }
}
