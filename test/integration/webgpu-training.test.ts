// The training loop on the webgpu backend (CI: Mesa's lavapipe, a software
// Vulkan device): metrics and evaluations, no tensor left behind across steps,
// pause and resume equal to an uninterrupted webgpu run, and the refusals and
// failures that are particular to a GPU.
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import type { RunConfig } from '../../src/shared/config.ts'
import { initBackend } from '../../src/main/trainer/backend.ts'
import { train, type Metrics } from '../../src/main/trainer/loop.ts'
import { loadMnist } from '../../src/main/data/mnist.ts'
import type { Dataset } from '../../src/main/data/types.ts'
import { webGpuAvailability } from '../helpers/webgpu.ts'
import { expectPauseResumeEqualsWhole, smallDataset, tinyTrainingConfig } from '../helpers/training.ts'
import { webGpuSession } from '../../src/main/trainer/webgpu.ts'

const gpu = await webGpuAvailability()
const tinyConfig = (overrides: Partial<RunConfig> = {}) => tinyTrainingConfig('webgpu', overrides)

let mnist: Dataset

describe.skipIf(!gpu.available)('training on webgpu', () => {
  beforeAll(async () => {
    const backend = await initBackend('webgpu')
    expect(backend.backend).toBe('webgpu')
    expect(backend.syncReads).toBe(false)
    mnist = smallDataset(await loadMnist(), 600, 100)
  })

  it.each(['S', 'O', 'L', 'U', 'U+', 'FlexMatch', 'FreeMatch'] as const)(
    'variant %s reports metrics and evaluations, numTensors pinned across steps',
    async (variant) => {
      const before = tf.memory().numTensors
      const metrics: Metrics[] = []
      const evals: number[] = []
      const tensorsAfterStep: number[] = []
      const result = await train(tinyConfig({ variant, steps: 8, evalEvery: 4 }), mnist, {
        hooks: {
          onMetrics: (_s, m) => metrics.push(m),
          onEval: (s) => evals.push(s),
          onProgress: () => void tensorsAfterStep.push(tf.memory().numTensors)
        }
      })
      expect(result.status).toBe('finished')
      expect(result.backend.backend).toBe('webgpu')
      expect(evals).toEqual([4, 8])
      expect(metrics).toHaveLength(4)
      expect(result.final!.count).toBe(100)
      const m = metrics[3]
      expect(m.loss).toBeGreaterThan(0)
      expect(Number.isFinite(m.lossLabeled)).toBe(true)
      if (variant === 'S') expect(m.loss).toBeCloseTo(m.lossLabeled, 5)
      else {
        expect(m.maskRate).toBeGreaterThanOrEqual(0)
        expect(m.maskRate).toBeLessThanOrEqual(1)
      }
      // at logEvery (2, 4, 6, 8) nothing is pending on the device: the same count each time
      const atLog = tensorsAfterStep.filter((_, i) => (i + 1) % 2 === 0)
      expect(new Set(atLog.slice(1)).size).toBe(1)
      expect(tf.memory().numTensors).toBe(before)
    }
  )

  it('keeps pseudo-label accuracy on the device and reads it back as a share', async () => {
    const metrics: Metrics[] = []
    await train(tinyConfig({ steps: 4, threshold: 0 }), mnist, { hooks: { onMetrics: (_s, m) => metrics.push(m) } })
    // threshold 0 keeps every pseudo-label, and every unlabeled image has a true label here
    for (const m of metrics) {
      expect(m.maskRate).toBe(1)
      expect(m.pseudoLabelAccuracy).toBeGreaterThanOrEqual(0)
      expect(m.pseudoLabelAccuracy).toBeLessThanOrEqual(1)
    }
  })

  it('a paused and resumed webgpu run ends with the same weights as an uninterrupted webgpu run', async () => {
    await expectPauseResumeEqualsWhole(tinyConfig({ steps: 6, checkpointEvery: 100 }), mnist)
  })

  it('a paused and resumed FlexMatch run on webgpu equals an uninterrupted one, its per-image records included', async () => {
    const paused = await expectPauseResumeEqualsWhole(tinyConfig({ variant: 'FlexMatch', steps: 6, checkpointEvery: 100, threshold: 0.3 }), mnist)
    expect(paused.tensors.method!.selectedLabel.values.some((v) => v >= 0)).toBe(true)
  })

  it('refuses before the first step a batch whose largest tensor exceeds the adapter limit, naming batchSize, mu and the limit', async () => {
    // wrn-28-2 on 28x28: about 100 KB per image per activation; 128 MiB binding limit on lavapipe
    const config = tinyConfig({ model: 'wrn-28-2', batchSize: 256, mu: 7, steps: 1 })
    await expect(train(config, mnist)).rejects.toThrow(/batchSize 256 with mu 7.*(maxStorageBufferBindingSize|maxBufferSize) is \d/)
  })

  it('an out-of-memory error from the device during a run ends the run with that reason; a retry trains', async () => {
    let steps = 0
    const G = globalThis as unknown as Record<string, new (...args: unknown[]) => Event>
    const failed = train(tinyConfig({ steps: 20 }), mnist, {
      hooks: {
        onProgress: () => {
          // what Dawn delivers when an allocation fails (not catchable where tfjs allocates)
          if (++steps === 3)
            webGpuSession()!.device.dispatchEvent(
              new G.GPUUncapturedErrorEvent('uncapturederror', { error: new G.GPUOutOfMemoryError('Out of memory allocating a buffer') })
            )
        }
      }
    })
    await expect(failed).rejects.toThrow(/the GPU ran out of memory \(Out of memory allocating a buffer\): lower batchSize or mu/)
    expect(steps).toBeLessThan(6)
    const retried = await train(tinyConfig({ steps: 2, batchSize: 2 }), mnist)
    expect(retried.status).toBe('finished')
  })

  // last: it takes the device away
  it('a device lost during a run ends the run with that reason (no hang), and a retry gets a fresh device', async () => {
    let steps = 0
    const lost = train(tinyConfig({ steps: 20 }), mnist, {
      hooks: {
        onProgress: () => {
          if (++steps === 3) webGpuSession()!.device.destroy()
        }
      }
    })
    await expect(lost).rejects.toThrow(/the WebGPU device was (lost|destroyed)/)
    expect(steps).toBeLessThan(6)
    const retried = await train(tinyConfig({ steps: 4, batchSize: 2 }), mnist)
    expect(retried.status).toBe('finished')
    expect(retried.backend.backend).toBe('webgpu')
    expect(webGpuSession()!.fault()).toBeUndefined()
  })
})
