// What a run on a WebGPU device checks: before the first step, that the step's
// largest tensor fits the adapter's buffer limits (as checkWasmMemory does for
// the wasm heap); during the run, that the device has not reported an
// out-of-memory error or been lost, so the run ends `failed` with that reason
// rather than training on zeros or waiting forever on a read.
import * as tf from '@tensorflow/tfjs-core'
import type { RunConfig } from '../../shared/config.ts'
import { Rng } from '../../shared/rng.ts'
import type { BackendInfo } from './backend.ts'
import { createModel, type Architecture } from './models/index.ts'
import { crossEntropy } from './losses.ts'
import { largestForward } from './loop.ts'
import { webGpuSession, type WebGpuAdapter } from './webgpu.ts'

/**
 * Bytes of the largest tensor one training step of `images` images makes, from
 * profiling a throwaway model's forward and backward at 1 and 2 images (each
 * tensor's size is a + b*images; weights and their gradients do not grow).
 */
export async function largestStepTensorBytes(architecture: string, numClasses: number, imageShape: [number, number, number], images: number): Promise<number> {
  const model = createModel({ architecture: architecture as Architecture, numClasses, inputShape: imageShape }, new Rng(0))
  const sizes = async (n: number): Promise<number[]> => {
    const info = await tf.profile(() => {
      tf.tidy(() => {
        const x = tf.zeros([n, ...imageShape]) as tf.Tensor4D
        const labels = tf.zeros([n], 'int32') as tf.Tensor1D
        tf.variableGrads(() => crossEntropy(model.apply(x, false), labels), [...model.params.values()])
      })
      return []
    })
    return info.kernels.map((k) => Math.max(0, ...k.outputShapes.map((shape) => 4 * (shape ?? []).reduce((a, b) => a * b, 1))))
  }
  try {
    const one = await sizes(1)
    const two = await sizes(2)
    let largest = 4 * images * imageShape[0] * imageShape[1] * imageShape[2]
    for (let k = 0; k < Math.min(one.length, two.length); k++) largest = Math.max(largest, one[k] + (two[k] - one[k]) * (images - 1))
    return largest
  } finally {
    model.dispose()
  }
}

/** Refuses, naming batchSize and mu and the limit, a step whose largest tensor does not fit one WebGPU buffer binding. */
export async function checkGpuMemory(config: RunConfig, imageShape: [number, number, number], numClasses: number, adapter: WebGpuAdapter): Promise<void> {
  const images = largestForward(config)
  const bytes = await largestStepTensorBytes(config.model, numClasses, imageShape, images)
  const limit = Math.min(adapter.limits.maxStorageBufferBindingSize, adapter.limits.maxBufferSize)
  const limitName = adapter.limits.maxStorageBufferBindingSize <= adapter.limits.maxBufferSize ? 'maxStorageBufferBindingSize' : 'maxBufferSize'
  if (bytes > limit) {
    const perImage = bytes / images
    const fits = Math.floor(limit / perImage)
    throw new Error(
      `${config.model} on this WebGPU adapter (${adapter.description || adapter.device}) needs a ${mib(bytes)} tensor for ` +
        `batchSize ${config.batchSize} with mu ${config.mu} (variant ${config.variant}, ${images} images in one forward), ` +
        `but the adapter's ${limitName} is ${mib(limit)}: at most about ${fits} images fit; lower batchSize or mu`
    )
  }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`

/** Throws the device's first fatal error (out of memory, lost device, invalid pipeline) once it has one. */
export function throwIfDeviceFault(backend: BackendInfo): void {
  if (backend.backend !== 'webgpu') return
  const fault = webGpuSession()?.fault()
  if (fault) throw fault
}

/** await t.data(), but a lost device ends the wait with its reason instead of leaving it pending. */
export async function readOrFault<T extends tf.Tensor>(t: T): Promise<Awaited<ReturnType<T['data']>>> {
  const session = tf.getBackend() === 'webgpu' ? webGpuSession() : undefined
  const read = t.data() as Promise<Awaited<ReturnType<T['data']>>>
  if (!session) return read
  const values = await Promise.race([read, session.lost.then((error) => Promise.reject(error))])
  const fault = session.fault()
  if (fault) throw fault
  return values
}
