// The lab service: plain Node, no Electron. It owns the run store (the only
// writer), the queue and its scheduler (up to `slots` runs at once, each in
// its own session: slots.ts says how many), each run's trainer process, recovery after crashes, and the contract's events.
// Electron, the HTTP bridge and the CLI all drive it through `handlers`.
import type { Handlers } from '../../shared/api.ts'
import { openStore, type RunStore } from '../store/index.ts'
import { ServiceEvents } from './events.ts'
import { makeContext, type SchedulerControl, type ServiceCore, type ServiceSettings } from './context.ts'
import { nodeTrainerLauncher } from './node-launcher.ts'
import { RunSession, type SessionEnd } from './run-session.ts'
import { resumeStepOf, resumeWords } from './records.ts'
import { appVersion } from './app-version.ts'
import { appHandlers } from './handlers/app.ts'
import { runHandlers } from './handlers/runs.ts'
import { diagnosticsHandlers } from './handlers/diagnostics.ts'
import { experimentHandlers } from './handlers/experiments.ts'
import { queueHandlers } from './handlers/queue.ts'
import { settingsHandlers } from './handlers/settings.ts'
import { datasetHandlers, removeAbandonedUploads } from './handlers/datasets.ts'
import { runPageHandlers } from './handlers/run-page.ts'
import { parsedAtTheEdge } from './dispatch.ts'
import { SlotPolicy } from './slots.ts'
import { readLabSettings } from './settings-file.ts'
import type { LabSettings } from '../../shared/settings.ts'
import type { RunRecord } from '../../shared/api.ts'
import type { RunRecord as StoreRunRecord } from '../store/index.ts'
import { Executors, type JobLauncher } from './executors.ts'
import type { SlurmCommands } from './slurm/client.ts'
import type { JobState } from './launcher.ts'
import { RunDatasets } from './run-datasets.ts'

/** A Slurm controller that did not answer at start-up is asked again after this long. */
const REATTACH_RETRY_MS = 30_000

export interface LabServiceOptions extends Partial<Omit<ServiceSettings, 'homeDir'>> {
  homeDir: string
  /** trainers at once, over <home>/settings.json and the default (`--slots` of the CLI) */
  slots?: number
  /** the store's clock (tests pin it) */
  now?: () => number
  /** starts slurm runs' jobs (default: sbatch here, with the run's Slurm options) */
  slurmLauncher?: JobLauncher
  /** whether Slurm's client commands are here (default: looked up on PATH) */
  slurmCommands?: SlurmCommands
}

export interface CloseOptions {
  /** pause running runs with a checkpoint and put them back at the head of the queue (default); false kills them */
  pauseRunning?: boolean
  /** how long to wait for the pauses before killing (default 120 s) */
  graceMs?: number
}

export class LabService {
  readonly events = new ServiceEvents()
  /** every request parsed by its schema before its handler runs (dispatch.ts) */
  readonly handlers: Handlers
  readonly settings: ServiceSettings
  private readonly core: ServiceCore
  private readonly slotPolicy: SlotPolicy
  private readonly sessions = new Map<number, RunSession>()
  private readonly executors: Executors
  /** the running runs that take a local slot (slurm runs take none) */
  private readonly onSlots = new Set<number>()
  /** consecutive interruptions without a new checkpoint, per run */
  private readonly failedResumes = new Map<number, number>()
  private readonly idleWaiters: (() => void)[] = []
  private scheduling = false
  private started = false
  private closing: Promise<void> | undefined
  /** why no new run starts (a full disk), until a person acts */
  private hold: string | undefined
  private runLimit: number | undefined
  /** only these runs may start (a `run` or `compare` in the foreground trains its own, not the home's whole queue) */
  private onlyRuns: ReadonlySet<number> | undefined
  private runsStarted = 0
  /** slurm runs an earlier service left running with their jobs: attached to (or found ended) once the queue is worked */
  private unattached: StoreRunRecord[] = []
  /** the look at Slurm for them, while it is under way */
  private reattaching: Promise<void> | undefined
  private reattachRetry: NodeJS.Timeout | undefined

  /** Opens the home's store (StoreLockedError if another process has it) and recovers runs a dead process left running. */
  static open(options: LabServiceOptions): LabService {
    // a bad settings file is refused (SettingsFileError) before the store is opened and locked
    const saved = readLabSettings(options.homeDir)
    return new LabService(openStore(options.homeDir, { now: options.now }), options, saved)
  }

  private constructor(
    readonly store: RunStore,
    options: LabServiceOptions,
    saved: LabSettings
  ) {
    this.settings = {
      homeDir: options.homeDir,
      launcher: options.launcher ?? nodeTrainerLauncher(),
      autoResume: options.autoResume ?? false,
      keepCheckpoints: options.keepCheckpoints ?? 3,
      heartbeatMs: options.heartbeatMs ?? 2000,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 10 * 60_000,
      maxAutoResumes: options.maxAutoResumes ?? 3,
      appVersion: options.appVersion ?? appVersion(),
      executor: options.executor ?? 'local'
    }
    this.executors = new Executors({ local: this.settings.launcher, slurm: options.slurmLauncher, slurmCommands: options.slurmCommands })
    this.slotPolicy = new SlotPolicy(store, options.homeDir, { saved: saved.slots, override: options.slots })
    const scheduler: SchedulerControl = {
      session: (runId) => this.sessions.get(runId),
      kick: (kickOptions) => {
        if (kickOptions?.clearHold) this.hold = undefined
        this.kick()
      },
      slots: () => this.slotPolicy.view(this.onSlots.size),
      setSlots: (slots) => {
        this.slotPolicy.set(slots)
        this.core.log(null, 'info', `slots set to ${this.slotPolicy.slots} (${slots === null ? 'the default' : 'saved in the settings file'})`, 'scheduler')
        this.kick()
        return this.slotPolicy.view(this.onSlots.size)
      }
    }
    // a pending pause or cancel lives as long as its session: if this service dies, so does the trainer (its watchdog), and the request is moot
    const liveState = (run: RunRecord) => ({
      pending: this.sessions.get(run.id)?.pending,
      job: this.sessions.get(run.id)?.jobState,
      waiting: this.executors.unavailable(run.executor ?? 'local')
    })
    this.core = { ...makeContext(store, this.events, this.settings, liveState), scheduler, datasets: new RunDatasets(this.settings.homeDir) }
    this.handlers = parsedAtTheEdge({
      ...appHandlers(this.core),
      ...runHandlers(this.core),
      ...diagnosticsHandlers(this.core),
      ...experimentHandlers(this.core),
      ...queueHandlers(this.core),
      ...settingsHandlers(this.core),
      ...datasetHandlers(this.core),
      ...runPageHandlers(this.core)
    })
    this.recover()
    const abandoned = removeAbandonedUploads(this.settings.homeDir)
    if (abandoned.length) this.core.log(null, 'info', `removed ${abandoned.length} archive upload(s) an earlier service never imported`, 'dataset')
  }

  /** Starts working the queue; with limit, starts at most that many runs; with only, none but these. */
  start(options: { limit?: number; only?: readonly number[] } = {}): void {
    this.started = true
    this.runLimit = options.limit
    this.onlyRuns = options.only && new Set(options.only)
    // a foreground `run` or `compare` trains its own runs: the home's slurm jobs wait for its worker
    if (!this.onlyRuns) this.reattaching ??= this.reattach()
    this.kick()
  }

  /** Resolves when nothing runs and nothing more will start (queue empty, run limit reached, or held). */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve)
      this.checkIdle()
    })
  }

  /** How many runs train at once now. */
  get slots(): number {
    return this.slotPolicy.slots
  }

  get runningRunIds(): number[] {
    return [...this.sessions.keys()]
  }

  /** The pid of the trainer process of a running run, if this service runs it. */
  trainerPid(runId: number): number | undefined {
    return this.sessions.get(runId)?.pid
  }

  /**
   * Stops the service: running runs are paused (checkpointed, back at the head
   * of the queue) or killed; then the store is closed and its lock released.
   * Called again while closing, it kills what still runs.
   */
  close(options: CloseOptions = {}): Promise<void> {
    if (this.closing) {
      for (const session of this.sessions.values()) session.kill('the service was stopped at once')
      return this.closing
    }
    this.closing = this.shutDown(options.pauseRunning ?? true, options.graceMs ?? 120_000)
    return this.closing
  }

  private async shutDown(pauseRunning: boolean, graceMs: number): Promise<void> {
    clearTimeout(this.reattachRetry)
    await this.reattaching
    const sessions = [...this.sessions.values()]
    // a cluster job is not this process's child: it keeps running, and the next service re-attaches to it
    const detached = sessions.filter((session) => session.detachable)
    for (const session of detached) session.detach()
    const ours = sessions.filter((session) => !detached.includes(session))
    for (const session of ours) {
      if (pauseRunning) session.pause(true)
      else session.kill('the service shut down')
    }
    try {
      // "pausing..." for whoever watches; the shutdown goes on if the store cannot be read
      if (pauseRunning && ours.length) this.core.runChanged(ours.map((s) => s.runId))
    } catch (error) {
      this.core.log(null, 'warn', `could not announce the pauses of the shutdown: ${(error as Error).message}`, 'scheduler')
    }
    const ended = Promise.all(sessions.map((s) => s.ended))
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)))
    if ((await Promise.race([ended, timedOut])) === 'timeout') {
      for (const session of this.sessions.values()) session.kill(`it did not pause within ${Math.round(graceMs / 1000)} s of the shutdown`)
      await ended
    }
    clearTimeout(timer)
    await this.executors.close()
    this.store.close()
    this.checkIdle()
  }

  /** At start: runs a dead process left 'running' become interrupted; with autoResume, interrupted runs go back in line. */
  private recover(): void {
    const { store } = this
    // a slurm run with a job may still train on the cluster: start() looks (reattach)
    const hasJob = (run: StoreRunRecord) => run.executor === 'slurm' && run.slurmJobId !== null
    this.unattached = store.queue.listRunning().filter(hasJob)
    for (const run of store.queue.markRunningAsInterrupted('the lab service stopped while this run was training (its process died)', hasJob)) {
      this.core.log(
        run.id,
        'warn',
        `interrupted: the previous lab service stopped while it trained (last recorded step ${run.step}); a resume ${resumeWords(resumeStepOf(store, run.id))}`,
        'status'
      )
    }
    if (!this.settings.autoResume) return
    for (const run of store.queue.list()) {
      if (run.status !== 'interrupted') continue
      store.queue.setStatus(run.id, 'queued')
      this.core.log(run.id, 'info', `resuming automatically: it ${resumeWords(resumeStepOf(store, run.id))}`, 'status')
    }
  }

  /**
   * The slurm runs an earlier service left running: where Slurm still has the job (pending or
   * running), a session attaches to it; a job that has ended leaves its run interrupted (resumed
   * from its checkpoint with a new job where autoResume is on). Without Slurm here they wait.
   */
  private async reattach(): Promise<void> {
    const runs = this.unattached
    // a job left for a run that no longer trains (paused, cancelled, failed, ... while no service followed it)
    const orphaned = this.store.runs.notRunningWithSlurmJob()
    if (runs.length === 0 && orphaned.length === 0) return
    const why = this.executors.unavailable('slurm')
    if (why) {
      // left 'running' for a service that has Slurm: nothing here to wait for
      for (const run of runs) this.core.log(run.id, 'warn', `its Slurm job ${run.slurmJobId} cannot be looked at: ${why}`, 'slurm')
      this.unattached = []
      return
    }
    let alive: Map<string, JobState>
    try {
      const jobIds = [...runs, ...orphaned].map((run) => run.slurmJobId!)
      alive = new Map((await this.executors.slurmJobs().queued(jobIds)).map((job) => [job.jobId, job]))
    } catch (error) {
      this.core.log(null, 'warn', `could not ask Slurm about the jobs of running runs (${(error as Error).message}): trying again in 30 s`, 'slurm')
      if (!this.closing) this.reattachRetry = setTimeout(() => (this.reattaching = this.reattach()), REATTACH_RETRY_MS)
      return
    }
    if (this.closing) return
    this.unattached = []
    for (const run of orphaned) if (alive.has(run.slurmJobId!)) void this.cancelOrphan(run)
    for (const run of runs) {
      const jobId = run.slurmJobId!
      const job = alive.get(jobId)
      if (job) {
        this.core.log(
          run.id,
          'info',
          `re-attached to Slurm job ${jobId} (${job.state}${job.nodes ? ` on ${job.nodes}` : ''}), left running by the last service`,
          'slurm',
          {
            jobId
          }
        )
        this.startSession(run, jobId)
        continue
      }
      this.store.queue.setStatus(run.id, 'interrupted', { error: `its Slurm job ${jobId} ended while no service followed it` })
      this.core.log(
        run.id,
        'warn',
        `interrupted: its Slurm job ${jobId} ended while no service followed it; a resume ${resumeWords(resumeStepOf(this.store, run.id))}`,
        'status'
      )
      if (this.settings.autoResume) {
        this.store.queue.setStatus(run.id, 'queued')
        this.core.log(run.id, 'info', `resuming automatically: it ${resumeWords(resumeStepOf(this.store, run.id))}`, 'status')
      }
      this.core.runChanged(run.id)
    }
    this.kick()
  }

  /** Best effort: a job no run owns any more would only hold an allocation (and write into the run's folder). */
  private async cancelOrphan(run: StoreRunRecord): Promise<void> {
    const jobId = run.slurmJobId!
    try {
      await this.executors.slurmJobs().cancel(jobId)
      this.core.log(run.id, 'warn', `its Slurm job ${jobId} still ran while the run is ${run.status}: scancelled it`, 'slurm', { jobId })
    } catch (error) {
      this.core.log(run.id, 'warn', `its Slurm job ${jobId} still runs while the run is ${run.status}; scancel failed: ${(error as Error).message}`, 'slurm', {
        jobId
      })
    }
  }

  /** A session for a run marked running: a new trainer, or (attachTo) the cluster job an earlier service left running. */
  private startSession(run: StoreRunRecord, attachTo?: string): void {
    // the first trainer to report its backend settles the default slots: there may be room for more
    const session = new RunSession(this.core, run.id, this.executors.launcher(run.executor), () => this.kick(), attachTo)
    this.sessions.set(run.id, session)
    if (this.executors.takesSlot(run.executor)) this.onSlots.add(run.id)
    void session.ended.then((end) => this.onSessionEnd(end))
    this.core.runChanged(run.id)
    session.start()
  }

  private kick(): void {
    if (!this.started || this.closing || this.scheduling) return
    this.scheduling = true
    try {
      while (!this.hold && (this.runLimit === undefined || this.runsStarted < this.runLimit)) {
        const next = this.nextToStart()
        if (!next) break
        this.store.queue.setStatus(next.id, 'running')
        this.runsStarted++
        this.startSession(next)
      }
    } catch (error) {
      this.core.log(null, 'error', `the scheduler could not start the next run: ${(error as Error).message}`, 'scheduler')
    } finally {
      this.scheduling = false
    }
    this.checkIdle()
  }

  private onSessionEnd(end: SessionEnd): void {
    this.sessions.delete(end.runId)
    this.onSlots.delete(end.runId)
    if (this.closing) return this.checkIdle()
    try {
      if (end.outcome === 'interrupted' && this.settings.autoResume) this.autoResume(end)
      if (end.outcome === 'disk-full') {
        this.hold = 'the disk is full'
        this.core.log(null, 'error', 'no further run starts until space is freed and a run is resumed or queued', 'scheduler')
      }
      if (end.outcome === 'store-failed') {
        this.hold = 'the run store could not record a run'
        this.core.log(null, 'error', 'no further run starts until the store is fixed and a run is resumed or queued', 'scheduler')
      }
    } catch (error) {
      this.core.log(end.runId, 'error', `after the run ended: ${(error as Error).message}`, 'scheduler')
    }
    this.kick()
  }

  private autoResume(end: SessionEnd): void {
    const streak = (end.madeProgress ? 0 : (this.failedResumes.get(end.runId) ?? 0)) + 1
    this.failedResumes.set(end.runId, streak)
    const limit = this.settings.maxAutoResumes
    if (streak > limit) {
      this.core.log(
        end.runId,
        'error',
        `interrupted ${streak} times in a row without a new checkpoint: left interrupted; resume it by hand once the cause is fixed`,
        'status'
      )
      return
    }
    this.store.queue.setStatus(end.runId, 'queued')
    this.core.log(end.runId, 'info', `resuming automatically (attempt ${streak} of ${limit}): it ${resumeWords(resumeStepOf(this.store, end.runId))}`, 'status')
    this.core.runChanged(end.runId)
  }

  /** The first queued run that can start now: a local one while a slot is free, a slurm one where Slurm is. */
  private nextToStart(): StoreRunRecord | undefined {
    const only = this.onlyRuns
    const slotFree = this.onSlots.size < this.slotPolicy.slots
    return this.store.queue
      .list()
      .find(
        (run) =>
          run.status === 'queued' &&
          (!only || only.has(run.id)) &&
          (this.executors.takesSlot(run.executor) ? slotFree : this.executors.unavailable(run.executor) === undefined)
      )
  }

  private checkIdle(): void {
    if (this.sessions.size > 0 || (this.reattaching && this.unattached.length > 0 && !this.closing)) return
    const open = this.store.isOpen
    const more =
      open && !this.closing && !this.hold && (this.runLimit === undefined || this.runsStarted < this.runLimit) && this.started && !!this.nextToStart()
    if (more) return
    for (const resolve of this.idleWaiters.splice(0)) resolve()
  }
}
