// The WebGPU limit check, on the wasm backend with made-up adapter limits: the
// largest tensor of a step is profiled at 1 and 2 images and extrapolated, and
// a config over the limit is refused naming what to lower.
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../../src/main/trainer/backend.ts'
import { checkGpuMemory, largestStepTensorBytes } from '../../src/main/trainer/gpu-guard.ts'
import { createModel } from '../../src/main/trainer/models/index.ts'
import { crossEntropy } from '../../src/main/trainer/losses.ts'
import { resolveConfig, type RunConfig } from '../../src/shared/config.ts'
import { largestForward } from '../../src/main/trainer/loop.ts'
import { Rng } from '../../src/shared/rng.ts'
import type { WebGpuAdapter } from '../../src/main/trainer/webgpu.ts'

function adapter(bindingBytes: number): WebGpuAdapter {
  return {
    vendor: 'test',
    architecture: '',
    device: 'made-up',
    description: 'a made-up adapter',
    software: false,
    found: ['high-performance'],
    limits: {
      maxBufferSize: 2 ** 32 - 1,
      maxStorageBufferBindingSize: bindingBytes,
      maxStorageBuffersPerShaderStage: 8,
      maxComputeWorkgroupStorageSize: 16384,
      maxComputeInvocationsPerWorkgroup: 256,
      maxComputeWorkgroupsPerDimension: 65535
    }
  }
}

beforeAll(async () => {
  await initBackend('wasm')
})

describe('WebGPU limit check', () => {
  it('extrapolates the largest tensor of a training step to what a direct profile of that batch finds', async () => {
    const estimate = await largestStepTensorBytes('small-cnn', 10, [28, 28, 1], 12)
    const model = createModel({ architecture: 'small-cnn', numClasses: 10, inputShape: [28, 28, 1] }, new Rng(0))
    const info = await tf.profile(() => {
      tf.tidy(() => {
        tf.variableGrads(
          () => crossEntropy(model.apply(tf.zeros([12, 28, 28, 1]) as tf.Tensor4D, false), tf.zeros([12], 'int32') as tf.Tensor1D),
          [...model.params.values()]
        )
      })
      return []
    })
    model.dispose()
    const direct = Math.max(...info.kernels.flatMap((k) => k.outputShapes.map((s) => 4 * (s ?? []).reduce((a, b) => a * b, 1))))
    expect(estimate).toBe(direct)
  })

  it('refuses batchSize and mu over the binding limit, naming both and the limit; accepts what fits', async () => {
    const config = resolveConfig({ dataset: 'mnist', model: 'small-cnn', batchSize: 64, mu: 7, evalBatchSize: 16 })
    const perImage =
      ((await largestStepTensorBytes('small-cnn', 10, [28, 28, 1], 200)) - (await largestStepTensorBytes('small-cnn', 10, [28, 28, 1], 100))) / 100
    const small = adapter(perImage * 100)
    await expect(checkGpuMemory(config, [28, 28, 1], 10, small, largestForward(config))).rejects.toThrow(
      /batchSize 64 with mu 7 \(variant O, 960 images in one forward\), but the adapter's maxStorageBufferBindingSize is [\d.]+ MiB: at most about 10\d images fit in one forward; lower batchSize or mu/
    )
    const fits: RunConfig = resolveConfig({ dataset: 'mnist', model: 'small-cnn', batchSize: 4, mu: 2, evalBatchSize: 16 })
    await expect(checkGpuMemory(fits, [28, 28, 1], 10, small, largestForward(fits))).resolves.toBeUndefined()
  })

  it('names evalBatchSize when the evaluation batch is the largest forward', async () => {
    const config = resolveConfig({ dataset: 'mnist', model: 'small-cnn', batchSize: 4, mu: 2, evalBatchSize: 1000 })
    const perImage =
      ((await largestStepTensorBytes('small-cnn', 10, [28, 28, 1], 200)) - (await largestStepTensorBytes('small-cnn', 10, [28, 28, 1], 100))) / 100
    await expect(checkGpuMemory(config, [28, 28, 1], 10, adapter(perImage * 100), largestForward(config))).rejects.toThrow(
      /evalBatchSize 1000, .*lower evalBatchSize/
    )
  })
})
