// Times supervised training steps of a model on random data: forward in
// training mode, softmax cross-entropy, tf.variableGrads, plain SGD. Used by
// `fixmatch-lab bench train-step` to compare backends and to catch leaks.
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../../shared/rng.ts'
import { initBackend, type BackendChoice } from './backend.ts'
import { crossEntropy } from './losses.ts'
import { createModel, type Architecture, type Classifier } from './models/index.ts'
import { readOrFault } from './gpu-guard.ts'
import type { WebGpuAdapter } from './webgpu.ts'

export const BENCH_INPUTS = { cifar: [32, 32, 3], mnist: [28, 28, 1] } as const
export type BenchInput = keyof typeof BENCH_INPUTS

export interface TrainStepBenchOptions {
  backend: BackendChoice
  model: Architecture
  batch: number
  steps: number
  warmup: number
  input: BenchInput
  seed: number
  learningRate: number
  /** Profile one extra step per kernel (tf.profile) after the timed ones. */
  profile: boolean
  log: (line: string) => void
}

export interface KernelTime {
  kernel: string
  calls: number
  ms: number
}

export interface TrainStepBenchResult {
  backend: string
  tfjsBackend: string
  device: string
  /** webgpu: the adapter the figures were measured on (a software one says so) */
  adapter?: WebGpuAdapter
  model: string
  parameterCount: number
  inputShape: number[]
  batch: number
  warmup: number
  steps: number
  secondsPerStep: number
  /** The fastest and the median step, less sensitive to a busy machine than the mean. */
  minSecondsPerStep: number
  medianSecondsPerStep: number
  imagesPerSecond: number
  /**
   * Process CPU time per step (all threads). On a shared machine wall time
   * swings with other jobs; CPU time mostly does not, and for single-threaded
   * wasm it is what the step would take on an idle core.
   */
  cpuSecondsPerStep: number
  numTensorsBefore: number
  numTensorsAfter: number
  numBytesBefore: number
  numBytesAfter: number
  /** Buffers the backend holds (catches kernel intermediates never freed). */
  backendDataIdsBefore: number
  backendDataIdsAfter: number
  /** Per kernel, summed over one step, slowest first (with --profile); our wasm kernels include the kernels they call. */
  profile?: KernelTime[]
}

export async function runTrainStepBench(options: TrainStepBenchOptions): Promise<TrainStepBenchResult> {
  const info = await initBackend(options.backend)
  const rng = new Rng(options.seed)
  const [height, width, channels] = BENCH_INPUTS[options.input]
  const numClasses = 10
  const model = createModel({ architecture: options.model, numClasses, inputShape: [height, width, channels] }, rng)
  const images = tf.tensor4d(randomImages(rng, options.batch * height * width * channels), [options.batch, height, width, channels])
  const labels = tf.tensor1d(
    Int32Array.from({ length: options.batch }, () => rng.randint(0, numClasses - 1)),
    'int32'
  )
  const step = () => trainStep(model, images, labels, options.learningRate)
  try {
    options.log(`${info.backend} (${info.device}), ${options.model}, ${model.parameterCount()} parameters, batch ${options.batch}`)
    for (let i = 0; i < options.warmup; i++) {
      const seconds = await timeSeconds(step)
      options.log(`warm-up ${i + 1}/${options.warmup}: ${seconds.toFixed(3)} s`)
    }
    const before = { ...tf.memory(), dataIds: tf.backend().numDataIds() }
    const stepSeconds: number[] = []
    const cpuStart = process.cpuUsage()
    for (let i = 0; i < options.steps; i++) {
      stepSeconds.push(await timeSeconds(step))
      options.log(`step ${i + 1}/${options.steps}: ${stepSeconds[i].toFixed(3)} s (${(options.batch / stepSeconds[i]).toFixed(2)} images/s)`)
    }
    const cpu = process.cpuUsage(cpuStart)
    const after = { ...tf.memory(), dataIds: tf.backend().numDataIds() }
    const secondsPerStep = stepSeconds.reduce((a, b) => a + b, 0) / stepSeconds.length
    const sorted = [...stepSeconds].sort((a, b) => a - b)
    const result: TrainStepBenchResult = {
      backend: info.backend,
      tfjsBackend: info.tfjsBackend,
      device: info.device,
      ...(info.adapter ? { adapter: info.adapter } : {}),
      model: options.model,
      parameterCount: model.parameterCount(),
      inputShape: [height, width, channels],
      batch: options.batch,
      warmup: options.warmup,
      steps: options.steps,
      secondsPerStep,
      minSecondsPerStep: sorted[0],
      medianSecondsPerStep: sorted[Math.floor((sorted.length - 1) / 2)],
      imagesPerSecond: options.batch / secondsPerStep,
      cpuSecondsPerStep: (cpu.user + cpu.system) / 1e6 / options.steps,
      numTensorsBefore: before.numTensors,
      numTensorsAfter: after.numTensors,
      numBytesBefore: before.numBytes,
      numBytesAfter: after.numBytes,
      backendDataIdsBefore: before.dataIds,
      backendDataIdsAfter: after.dataIds
    }
    if (options.profile) result.profile = await profileStep(step)
    return result
  } finally {
    tf.dispose([images, labels])
    model.dispose()
  }
}

/** One SGD step; leaves no tensor behind. */
export async function trainStep(model: Classifier, images: tf.Tensor4D, labels: tf.Tensor1D, learningRate: number): Promise<number> {
  const variables = [...model.params.values()]
  const { value, grads } = tf.variableGrads(() => crossEntropy(model.apply(images, true), labels), variables)
  tf.tidy(() => {
    for (const variable of variables) {
      const grad = grads[variable.name]
      if (grad) variable.assign(tf.sub(variable, tf.mul(grad, learningRate)))
    }
  })
  // Reading the loss waits for the step to finish on asynchronous backends (awaited: a GPU cannot read synchronously).
  try {
    return ((await readOrFault(value)) as Float32Array)[0]
  } finally {
    tf.dispose([value, grads])
  }
}

async function timeSeconds(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await run()
  return (performance.now() - start) / 1000
}

async function profileStep(step: () => Promise<unknown>): Promise<KernelTime[]> {
  const info = await tf.profile(async () => {
    await step()
    return []
  })
  const backendName = tf.getBackend()
  const byKernel = new Map<string, KernelTime>()
  for (const kernel of info.kernels) {
    // customGrad scopes ("unnamed scope", "logSoftmax__op") are timed as a
    // whole AND through their kernels; count the kernels only.
    if (!tf.getKernel(kernel.name, backendName)) continue
    const entry = byKernel.get(kernel.name) ?? { kernel: kernel.name, calls: 0, ms: 0 }
    entry.calls++
    entry.ms += typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0
    byKernel.set(kernel.name, entry)
  }
  return [...byKernel.values()].sort((a, b) => b.ms - a.ms)
}

/** Pixel-like values in [0, 1). */
function randomImages(rng: Rng, count: number): Float32Array {
  const values = new Float32Array(count)
  for (let i = 0; i < count; i++) values[i] = rng.random()
  return values
}
