// A training run from start (or a checkpoint) to its last step: set-up, the
// loop, evaluation, checkpoints. The step itself lives in step.ts.
import * as tf from '@tensorflow/tfjs-core'
import type { RunConfig } from '../../shared/config.ts'
import { deriveSeed, Rng, STREAMS } from '../../shared/rng.ts'
import { learningRate } from '../../shared/schedules.ts'
import type { Dataset } from '../data/types.ts'
import { initBackend, type BackendInfo } from './backend.ts'
import { createModel, type Architecture } from './models/index.ts'
import type { Classifier } from './models/types.ts'
import { ExponentialMovingAverage, Sgd } from './optim.ts'
import { stepMetricsOf, stepMetricsWidth, trainStep } from './step.ts'
import { imagesPerStep as methodImagesPerStep, largestForward as methodLargestForward, methodDescriptor } from '../../shared/methods/index.ts'
import { methodFor } from './methods/index.ts'
import type { SslMethod } from './methods/types.ts'
import { copyVariables, evaluate, type EvalResult } from './evaluate.ts'
import { probeIndices, PseudoLabelTally, unlabeledSamples, type EvalDiagnostics } from './diagnostics.ts'
import { runBatches } from './data/batches.ts'
import { BatchPrefetcher } from './data/prefetch.ts'
import type { TrainingState } from '../checkpoint/format.ts'
import { captureState, restoreState } from './state.ts'
import { checkGpuMemory, readOrFault, throwIfDeviceFault } from './gpu-guard.ts'

export type Metrics = Record<string, number>

export interface TrainingHooks {
  /** averaged training metrics every logEvery steps */
  onMetrics?(step: number, metrics: Metrics): void
  onEval?(step: number, result: EvalResult): void
  /** after onEval: the evaluation's confusion matrix, samples and the pseudo-label counts since the last one */
  onDiagnostics?(step: number, diagnostics: EvalDiagnostics): void
  onProgress?(progress: TrainingProgress): void
  /** asked after every step: 'pause' checkpoints and returns, 'stop' returns at once */
  control?(): 'pause' | 'stop' | undefined
  /** a checkpoint every checkpointEvery steps, at pause and at the end */
  onCheckpoint?(state: TrainingState): Promise<void> | void
}

export interface TrainingProgress {
  step: number
  totalSteps: number
  imagesPerSecond: number
  etaSeconds: number
  latestTop1?: number
}

export interface TrainingResult {
  status: 'finished' | 'paused' | 'stopped'
  step: number
  backend: BackendInfo
  splitHash: string
  labeledCount: number
  unlabeledCount: number
  final?: EvalResult
  best?: EvalResult
  /** wall seconds of this call's training, pauses excluded (plus any time carried in from a checkpoint) */
  trainSeconds: number
}

export interface TrainingOptions {
  hooks?: TrainingHooks
  resumeFrom?: TrainingState
  /** trains with this implementation instead of the registry's one for config.variant (a method the registry does not hold, e.g. in a test) */
  method?: SslMethod
}

/** Images per step of the config's method (its views decide). */
export function imagesPerStep(config: RunConfig): number {
  return methodImagesPerStep(methodDescriptor(config.variant), config)
}

/** Images in the largest single forward of a step of the config's method. */
export function largestForward(config: RunConfig): number {
  return methodLargestForward(methodDescriptor(config.variant), config)
}

/**
 * The wasm heap is capped at 4 GB; a WRN-28-2 training step holds about 23 MB
 * per image (measured), growing with the width. Refuse before allocating rather
 * than fail deep inside a kernel.
 */
export function checkWasmMemory(config: RunConfig): void {
  const wrn = /^wrn-\d+-(\d+)$/.exec(config.model)
  if (!wrn) return
  const perImageMB = 23 * (Number(wrn[1]) / 2)
  const maxImages = Math.floor(3500 / perImageMB)
  const images = largestForward(config)
  if (images > maxImages) {
    throw new Error(
      `${config.model} on the wasm backend fits at most about ${maxImages} images in one forward (4 GB heap), ` +
        `but batchSize ${config.batchSize} with mu ${config.mu} (variant ${config.variant}) puts ${images} in one: ` +
        'lower batchSize or mu, or train on a GPU (see `fixmatch-lab doctor`)'
    )
  }
}

export async function train(config: RunConfig, dataset: Dataset, options: TrainingOptions = {}): Promise<TrainingResult> {
  const hooks = options.hooks ?? {}
  const backend = await initBackend(config.backend)
  if (backend.backend === 'wasm') checkWasmMemory(config)
  if (backend.adapter)
    await checkGpuMemory(config, [dataset.height, dataset.width, dataset.channels], dataset.classNames.length, backend.adapter, largestForward(config))
  const imageShape: [number, number, number] = [dataset.height, dataset.width, dataset.channels]
  const numClasses = dataset.classNames.length

  // The split (k labels per class with the run's seed), the pool and each step's images: shared with the augmentation preview.
  const method = options.method ?? methodFor(config.variant)
  const { split, pool, unlabeledPool, prepareOptions, makeJob } = runBatches(config, dataset, method.descriptor)

  const modelSpec = { architecture: config.model as Architecture, numClasses, inputShape: imageShape }
  const model = createModel(modelSpec, new Rng(deriveSeed(config.seed, STREAMS.init)))
  const evalModel: Classifier | undefined = config.emaDecay > 0 ? createModel(modelSpec, new Rng(0)) : undefined
  const sgd = new Sgd(
    [...model.params].map(([name, variable]) => ({ name, variable, decay: config.decayAll || model.decays(name) })),
    { momentum: config.momentum, nesterov: config.nesterov, weightDecay: config.weightDecay }
  )
  const ema = config.emaDecay > 0 ? new ExponentialMovingAverage(model.params, model.buffers, config.emaDecay, config.emaBuffers) : undefined
  const methodState = method.createState({ config, numClasses, unlabeledCount: unlabeledPool.length })

  let firstStep = 0
  let carriedSeconds = 0
  let best: EvalResult | undefined
  if (options.resumeFrom) {
    if (options.resumeFrom.splitHash !== split.splitHash) {
      throw new Error(`checkpoint was made on split ${options.resumeFrom.splitHash}, this config gives ${split.splitHash}`)
    }
    restoreState(options.resumeFrom, model, sgd, ema, methodState)
    firstStep = options.resumeFrom.step
    carriedSeconds = options.resumeFrom.trainSeconds
    best = options.resumeFrom.best
  }

  const prefetcher = new BatchPrefetcher(pool, prepareOptions, makeJob, config.steps - 1, firstStep, config.augmentWorkers)

  const parts = { model, sgd, ema, config, imageShape, method, methodState }
  const tally = new PseudoLabelTally()
  const probe = probeIndices(pool, unlabeledPool)
  /** top-1 and the rest; the diagnostics where a hook takes them (the pseudo-label tally restarts either way) */
  const runEval = async (): Promise<{ result: EvalResult; diagnostics?: EvalDiagnostics }> => {
    const target = evalModel && ema ? evalModel : model
    if (evalModel && ema) copyVariables(ema.shadows, new Map([...evalModel.params, ...evalModel.buffers]))
    const { result, confusion, misclassified } = await evaluate(target, dataset.test, imageShape, dataset.normalization, {
      batchSize: config.evalBatchSize,
      limit: config.evalLimit || undefined
    })
    const pseudoLabels = await tally.take()
    if (!hooks.onDiagnostics) return { result }
    const unlabeled = await unlabeledSamples(target, pool, probe, dataset.normalization)
    return { result, diagnostics: { confusion, misclassified, pseudoLabels, unlabeled } }
  }

  const started = performance.now()
  const elapsed = () => carriedSeconds + (performance.now() - started) / 1000
  const window = new MetricWindow(options.resumeFrom?.metricWindow)
  const pending = new StepMetricsQueue(window, method)
  let final: EvalResult | undefined
  let latestTop1: number | undefined
  let status: TrainingResult['status'] = 'finished'
  let step = firstStep
  const perStep = imagesPerStep(config)
  const tensorsAtStart = tf.memory().numTensors
  // The step issued last, whose loss is not yet read: at most this one and the
  // one being issued are in flight, so step times and pause stay true on a GPU.
  let inFlight: { step: number; loss: tf.Scalar } | undefined
  const settleInFlight = async () => {
    if (!inFlight) return
    const { step: at, loss } = inFlight
    inFlight = undefined
    const value = await readScalar(loss)
    loss.dispose()
    if (!Number.isFinite(value)) throw new Error(`the loss became ${value} at step ${at + 1}: lower lr or check the data`)
  }
  /** Everything issued is done and its metrics are on the host (before metrics, an evaluation, a checkpoint). */
  const drain = async () => {
    await settleInFlight()
    await pending.settle()
  }
  const snapshot = async (at: number, seconds: number): Promise<TrainingState> => {
    await drain()
    const state = await captureState(
      { step: at, config, splitHash: split.splitHash, trainSeconds: seconds, best, metricWindow: window.state() },
      model,
      sgd,
      ema,
      methodState
    )
    refuseNonFinite(state, at)
    return state
  }
  try {
    for (; step < config.steps; step++) {
      const { batch, waitMs } = await prefetcher.next(step)
      const lr = learningRate({ schedule: config.schedule, lr: config.lr, minLr: config.minLr, totalSteps: config.steps }, step)
      const stepStarted = performance.now()
      const outputs = trainStep(parts, batch, lr)
      pending.push(outputs.metrics)
      if (outputs.pseudoLabelCounts) tally.add(outputs.pseudoLabelCounts)
      if (pending.full) await pending.settle()
      await settleInFlight()
      throwIfDeviceFault(backend)
      inFlight = { step, loss: outputs.loss }
      const stepSeconds = (performance.now() - stepStarted) / 1000
      window.add({}, { lr, stepSeconds, dataWaitSeconds: waitMs / 1000, imagesPerSecond: perStep / (stepSeconds + waitMs / 1000) })

      const done = step + 1
      if (done % config.logEvery === 0 || done === config.steps) {
        await drain()
        hooks.onMetrics?.(done, window.flush())
      }
      if (done % config.evalEvery === 0 || done === config.steps) {
        await drain()
        const evaluation = await runEval()
        final = evaluation.result
        latestTop1 = final.top1
        if (!best || final.top1 > best.top1) best = final
        hooks.onEval?.(done, final)
        if (evaluation.diagnostics) hooks.onDiagnostics?.(done, evaluation.diagnostics)
      }
      const secondsSoFar = (performance.now() - started) / 1000
      const rate = ((done - firstStep) * perStep) / secondsSoFar
      hooks.onProgress?.({ step: done, totalSteps: config.steps, imagesPerSecond: rate, etaSeconds: ((config.steps - done) * perStep) / rate, latestTop1 })
      if (done % config.checkpointEvery === 0 && done < config.steps) await hooks.onCheckpoint?.(await snapshot(done, elapsed()))
      await nextEventLoopTurn()
      const command = hooks.control?.()
      if (command && done < config.steps) {
        status = command === 'pause' ? 'paused' : 'stopped'
        step = done
        if (command === 'pause') await hooks.onCheckpoint?.(await snapshot(done, elapsed()))
        break
      }
    }
    if (status === 'finished') await hooks.onCheckpoint?.(await snapshot(config.steps, elapsed()))
    await drain()
    throwIfDeviceFault(backend)
  } finally {
    inFlight?.loss.dispose()
    pending.dispose()
    tally.dispose()
    await prefetcher.close()
    methodState?.dispose()
  }
  const trainSeconds = elapsed()
  sgd.dispose()
  ema?.dispose()
  model.dispose()
  evalModel?.dispose()
  const leaked = tf.memory().numTensors - tensorsAtStart
  if (leaked > 0 && status === 'finished') console.warn(`warning: ${leaked} tensors were not released by the run`)
  return {
    status,
    step: Math.min(step, config.steps),
    backend,
    splitHash: split.splitHash,
    labeledCount: split.labeled.length,
    unlabeledCount: unlabeledPool.length,
    final,
    best,
    trainSeconds
  }
}

/**
 * Lets the event loop reach its poll phase before the next step. A step runs in
 * the continuation of the prefetch worker's message, and with the next batch
 * already queued on that port the loop would go from batch to batch without
 * ever reading the parent's IPC, a signal or a timer: pause, stop, Ctrl-C and
 * the parent-gone notice would wait until the run ends.
 */
function nextEventLoopTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

async function readScalar(t: tf.Scalar): Promise<number> {
  return ((await readOrFault(t)) as Float32Array)[0]
}

/** A checkpoint must never hold NaN or infinite weights: a resume would train on from garbage. */
function refuseNonFinite(state: TrainingState, step: number): void {
  for (const [group, entries] of Object.entries(state.tensors)) {
    for (const [name, { values }] of Object.entries(entries)) {
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i])) {
          throw new Error(`${group} "${name}" holds ${values[i]} at step ${step}: no checkpoint written; lower lr or check the data`)
        }
      }
    }
  }
}

/**
 * Step metrics still on the device, oldest first. They are read in one go at
 * logEvery, before an evaluation or a checkpoint (each read stalls a GPU), or
 * when this many have piled up (bounded memory for a large logEvery), and fed
 * to the window in step order, so the averages equal a per-step read's.
 */
class StepMetricsQueue {
  private static readonly MAX_PENDING = 256
  private rows: tf.Tensor1D[] = []

  constructor(
    private readonly window: MetricWindow,
    private readonly method: SslMethod
  ) {}

  push(metrics: tf.Tensor1D): void {
    this.rows.push(metrics)
  }

  get full(): boolean {
    return this.rows.length >= StepMetricsQueue.MAX_PENDING
  }

  async settle(): Promise<void> {
    if (this.rows.length === 0) return
    const rows = this.rows
    this.rows = []
    const stacked = rows.length === 1 ? rows[0] : tf.stack(rows)
    try {
      const values = (await readOrFault(stacked)) as Float32Array
      const width = stepMetricsWidth(this.method)
      for (let r = 0; r < rows.length; r++) this.window.add(stepMetricsOf(this.method, values.subarray(r * width, (r + 1) * width)), {})
    } finally {
      if (stacked !== rows[0]) stacked.dispose()
      for (const row of rows) row.dispose()
    }
  }

  dispose(): void {
    for (const row of this.rows) row.dispose()
    this.rows = []
  }
}

/** Averages step metrics over the logging window (NaN entries skipped). Its partial sums go into checkpoints. */
export class MetricWindow {
  private sums = new Map<string, { total: number; count: number }>()

  constructor(saved?: Record<string, { total: number; count: number }>) {
    if (saved) for (const [key, entry] of Object.entries(saved)) this.sums.set(key, { ...entry })
  }

  state(): Record<string, { total: number; count: number }> {
    return Object.fromEntries([...this.sums].map(([key, entry]) => [key, { ...entry }]))
  }

  add(step: Record<string, number>, extra: Record<string, number>): void {
    for (const [key, value] of Object.entries({ ...step, ...extra })) {
      if (!Number.isFinite(value)) continue
      const entry = this.sums.get(key) ?? { total: 0, count: 0 }
      entry.total += value
      entry.count++
      this.sums.set(key, entry)
    }
  }

  flush(): Metrics {
    const out: Metrics = {}
    for (const [key, { total, count }] of this.sums) out[key] = total / count
    this.sums.clear()
    return out
  }
}
