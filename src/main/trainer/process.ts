// The trainer process: one run, started by the lab service (child_process.fork
// outside Electron, utilityProcess inside, or as a Slurm job that connects back
// over a socket). It loads the data, trains, writes checkpoints and reports by
// message; it never opens the run store. It obeys pause and stop, sends a
// heartbeat while alive, and exits after its last word, or within a second of
// its parent's death (watchdog.ts). It holds the run's lock (run-lock.ts)
// while it runs: never two trainers on one run. A Slurm job asked to end (time
// limit, scancel, pre-emption) checkpoints and exits without its last word:
// the run is interrupted, and the service resumes it with a new job.
import os from 'node:os'
import { version_core } from '@tensorflow/tfjs-core'
import type { RunConfig } from '../../shared/config.ts'
import { deriveSeed, STREAMS } from '../../shared/rng.ts'
import { loadDatasetForConfig } from '../dataset-for-config.ts'
import { makeLabeledSplit } from '../data/split.ts'
import type { Dataset } from '../data/types.ts'
import { initBackend } from './backend.ts'
import { imagesPerStep, train } from './loop.ts'
import { serializeState, type TrainingState } from '../checkpoint/format.ts'
import { CheckpointWriteError, loadNewestValid, removeUnfinishedWrites, writeCheckpointAtomic } from '../checkpoint/files.ts'
import { parseToTrainer, type FromTrainer, type StartMessage } from './protocol.ts'
import { parentChannel } from './parent-channel.ts'
import { startWatchdog } from './watchdog.ts'
import { acquireRunLock, RunLockedError } from './run-lock.ts'
import { checkpointMismatch } from './resume-check.ts'

const channel = parentChannel()
// Ends this process within about a second of the parent's death, even mid-step.
const watchdog = startWatchdog(channel.parentPid)
let command: 'pause' | 'stop' | undefined
/** the service asked for the pause (not Slurm): it hears `paused` */
let pauseAsked = false
/** why Slurm asked the job to end, once it has */
let endRequested: string | undefined
let phase: 'waiting' | 'loading' | 'training' | 'done' = 'waiting'
let resumedStep: number | undefined
let resumedSeconds: number | undefined

const send = (message: FromTrainer) => channel.send(message)

// Ctrl-C in a terminal reaches the whole process group: the service decides
// what happens to this run and tells us (pause, with a checkpoint).
process.on('SIGINT', () => {})
// Nobody would record anything we do from now on.
channel.onGone(() => process.exit(1))
channel.onEndRequested((why) => {
  if (endRequested) return
  endRequested = why
  if (command !== 'stop') command = 'pause'
  if (phase === 'waiting' || phase === 'loading') void finish({ type: 'paused' }, resumedStep, resumedSeconds)
})

channel.onMessage((raw) => {
  let message
  try {
    message = parseToTrainer(raw)
  } catch (error) {
    void send({ type: 'log', level: 'error', message: (error as Error).message })
    return
  }
  if (message.type === 'start') {
    if (phase === 'waiting') void run(message)
    return
  }
  command = command === 'stop' ? 'stop' : message.type
  if (message.type === 'pause') pauseAsked = true
  // Before the first step there is nothing new to save: answer at once rather than after loading the data.
  if (phase === 'waiting' || phase === 'loading') void finish(command === 'stop' ? { type: 'stopped' } : { type: 'paused' }, resumedStep, resumedSeconds)
})

async function run(start: StartMessage): Promise<void> {
  phase = 'loading'
  const { config } = start
  const heart = new Heartbeat(start.heartbeatMs)
  try {
    // before anything is written into the run's folder: one trainer per run
    const lock = await acquireRunLock(start.checkpointDir)
    process.on('exit', () => lock.release())
    watchdog.keepFresh(lock.path)
    removeUnfinishedWrites(start.checkpointDir)
    const backend = await initBackend(config.backend)
    const dataset = await loadDatasetForConfig(config, start.homeDir)
    const splitHash = splitHashOf(config, dataset)
    const resume = loadNewestValid(start.resumeCandidates, (state) => checkpointMismatch(state, config, splitHash))
    resumedStep = resume.step ?? 0
    resumedSeconds = resume.state?.trainSeconds ?? 0
    heart.update(resumedStep, resumedSeconds)
    await send({
      type: 'started',
      backend: backend.backend,
      device: backend.device,
      ...(backend.adapter ? { adapter: backend.adapter } : {}),
      splitHash,
      resumedFromStep: resume.step ?? null,
      trainSeconds: resumedSeconds,
      rejected: resume.rejected,
      libraryVersions: libraryVersions(),
      os: `${os.type()} ${os.release()} (${process.platform}-${os.arch()})`
    })
    if (phase !== 'loading') return // a pause or stop arrived while loading: already answered
    phase = 'training'
    const trainStarted = performance.now()
    const elapsed = () => resumedSeconds! + (performance.now() - trainStarted) / 1000
    const progress = new Throttle(250)
    const forecast = new QuietForecast(config, config.evalLimit ? Math.min(config.evalLimit, dataset.test.count) : dataset.test.count)
    let lastWrittenStep = resume.step ?? -1
    const result = await train(config, dataset, {
      resumeFrom: resume.state,
      hooks: {
        onMetrics: (step, values) => void send({ type: 'metrics', step, values }),
        onEval: (step, e) => void send({ type: 'eval', step, top1: e.top1, top5: e.top5, loss: e.loss, count: e.count }),
        onDiagnostics: (step, d) =>
          void send({
            type: 'diagnostics',
            step,
            classes: d.confusion.classes,
            confusion: Array.from(d.confusion.counts),
            pseudoLabels: d.pseudoLabels ?? null,
            misclassified: d.misclassified,
            unlabeled: d.unlabeled
          }),
        onProgress: (p) => {
          heart.update(p.step, elapsed())
          const quietMs = forecast.afterStep(p.step)
          if (quietMs !== undefined) heart.announceQuiet(quietMs)
          if (progress.due() || p.step === p.totalSteps) void send({ type: 'progress', ...p })
        },
        control: () => command,
        onCheckpoint: async (state: TrainingState) => {
          // a pause right after a periodic checkpoint would write the same step twice
          if (state.step === lastWrittenStep) return
          const written = writeCheckpointAtomic(start.checkpointDir, state.step, serializeState(state))
          lastWrittenStep = state.step
          heart.update(state.step, state.trainSeconds)
          await send({ type: 'checkpoint', step: state.step, ...written, trainSeconds: state.trainSeconds, splitHash: state.splitHash })
        }
      }
    })
    const end = { step: result.step, trainSeconds: result.trainSeconds }
    if (result.status === 'finished') await finish({ type: 'finished', splitHash: result.splitHash }, end.step, end.trainSeconds)
    else await finish({ type: result.status === 'paused' ? 'paused' : 'stopped' }, end.step, end.trainSeconds)
  } catch (error) {
    const diskFull = error instanceof CheckpointWriteError && error.diskFull
    const message = diskFull
      ? `${(error as Error).message}. Free some disk space, then resume the run: it continues from its last checkpoint.`
      : error instanceof RunLockedError
        ? `run ${start.runId} not started: ${error.message}`
        : (error as Error).message
    await finish({ type: 'failed', message, diskFull, resumable: error instanceof RunLockedError })
  } finally {
    heart.stop()
  }
}

type Final =
  | { type: 'finished'; splitHash: string }
  | { type: 'paused' }
  | { type: 'stopped' }
  | { type: 'failed'; message: string; diskFull: boolean; resumable: boolean }

/** Sends the last message (once) and exits. */
async function finish(final: Final, step?: number, trainSeconds?: number): Promise<void> {
  if (phase === 'done') return
  phase = 'done'
  const message = (final.type === 'failed' ? final : { ...final, step, trainSeconds }) as FromTrainer
  if (endRequested && final.type === 'paused' && !pauseAsked) {
    // no pause the service asked for: without the last word the run is interrupted, and resumed from this checkpoint
    await send({ type: 'log', level: 'warn', message: `${endRequested}: exiting at step ${step ?? 0} after its checkpoint` })
  } else {
    await send(message)
  }
  await channel.end()
  process.exit(0)
}

/** The same split train() draws (loop.ts), known before the first step so `started` can report it. */
function splitHashOf(config: RunConfig, dataset: Dataset): string {
  return makeLabeledSplit(dataset.train.labels, dataset.classNames.length, {
    labelsPerClass: config.labelsPerClass,
    seed: deriveSeed(config.splitSeed, STREAMS.split),
    unlabeledMode: config.unlabeledPool,
    classNames: dataset.classNames
  }).splitHash
}

function libraryVersions(): Record<string, string> {
  const versions: Record<string, string> = { tfjs: version_core, node: process.versions.node }
  if (process.versions.electron) versions.electron = process.versions.electron
  return versions
}

/** Heartbeats on a timer (while the data loads) and between steps (a long synchronous step starves the timer). */
class Heartbeat {
  private step = 0
  private trainSeconds = 0
  private last = 0
  private readonly timer: NodeJS.Timeout

  constructor(private readonly everyMs: number) {
    this.timer = setInterval(() => this.beat(), everyMs)
    this.beat()
  }

  update(step: number, trainSeconds: number): void {
    this.step = step
    this.trainSeconds = trainSeconds
    if (Date.now() - this.last >= this.everyMs) this.beat()
  }

  /** The next stretch (an evaluation runs synchronously) may keep us silent this long. */
  announceQuiet(quietMs: number): void {
    this.beat(Math.round(quietMs))
  }

  stop(): void {
    clearInterval(this.timer)
  }

  private beat(quietMs?: number): void {
    this.last = Date.now()
    void send({ type: 'heartbeat', step: this.step, trainSeconds: this.trainSeconds, ...(quietMs === undefined ? {} : { quietMs }) })
  }
}

/**
 * How long the next step may keep this (single) thread silent when it ends
 * with an evaluation, so the service does not take a long evaluation for a
 * hung trainer: three times the last evaluation, or before the first, an
 * estimate from the step time (an evaluation image costs less than a training one).
 */
class QuietForecast {
  private lastAt = performance.now()
  private stepMs = 0
  private evalMs: number | undefined

  constructor(
    private readonly config: RunConfig,
    private readonly evalImages: number
  ) {}

  afterStep(step: number): number | undefined {
    const now = performance.now()
    const took = now - this.lastAt
    this.lastAt = now
    if (this.evaluates(step)) this.evalMs = Math.max(0, took - this.stepMs)
    else this.stepMs = took
    if (!this.evaluates(step + 1) || step + 1 > this.config.steps) return undefined
    const evalMs = this.evalMs ?? (this.stepMs * this.evalImages) / imagesPerStep(this.config)
    return 3 * evalMs + 2 * this.stepMs + 30_000
  }

  private evaluates(step: number): boolean {
    return step % this.config.evalEvery === 0 || step === this.config.steps
  }
}

class Throttle {
  private last = 0
  constructor(private readonly everyMs: number) {}
  due(): boolean {
    const now = Date.now()
    if (now - this.last < this.everyMs) return false
    this.last = now
    return true
  }
}
