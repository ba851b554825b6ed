// The training loop end to end on the wasm backend with tiny settings.
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import type { RunConfig } from '../../src/shared/config.ts'
import { initBackend } from '../../src/main/trainer/backend.ts'
import { train, type Metrics } from '../../src/main/trainer/loop.ts'
import type { TrainingState } from '../../src/main/checkpoint/format.ts'
import { loadMnist } from '../../src/main/data/mnist.ts'
import type { Dataset } from '../../src/main/data/types.ts'
import { EpochOrder } from '../../src/main/trainer/data/order.ts'
import { expectPauseResumeEqualsWhole, smallDataset, tinyTrainingConfig } from '../helpers/training.ts'

const tinyConfig = (overrides: Partial<RunConfig> = {}) => tinyTrainingConfig('wasm', overrides)

let mnist: Dataset



beforeAll(async () => {
  await initBackend('wasm')
  mnist = smallDataset(await loadMnist())
})

describe('training loop', () => {
  it.each(['S', 'O', 'L', 'U', 'U+'] as const)('variant %s runs, reports metrics and leaks no tensors', async (variant) => {
    const before = tf.memory().numTensors
    const metrics: Metrics[] = []
    const evals: number[] = []
    const result = await train(tinyConfig({ variant }), mnist, {
      hooks: { onMetrics: (_s, m) => metrics.push(m), onEval: (s) => evals.push(s) }
    })
    expect(result.status).toBe('finished')
    expect(result.step).toBe(6)
    expect(evals).toEqual([3, 6])
    expect(metrics).toHaveLength(3)
    expect(result.final!.top1).toBeGreaterThanOrEqual(0)
    expect(result.final!.count).toBe(100)
    const m = metrics[2]
    expect(m.loss).toBeGreaterThan(0)
    if (variant === 'S') {
      expect(m.lossUnlabeled).toBe(0)
      expect(m.loss).toBeCloseTo(m.lossLabeled, 5)
    } else {
      expect(m.maskRate).toBeGreaterThanOrEqual(0)
      expect(m.maskRate).toBeLessThanOrEqual(1)
    }
    if (variant === 'L' || variant === 'U' || variant === 'U+') expect(m.lossContrastive).toBeGreaterThan(0)
    else expect(m.lossContrastive).toBe(0)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('is deterministic for a seed, independent of the number of augmentation workers', async () => {
    const losses = async (seed: number, augmentWorkers: number) => {
      const out: number[] = []
      await train(tinyConfig({ seed, augmentWorkers, steps: 4 }), mnist, { hooks: { onMetrics: (_s, m) => out.push(m.loss) } })
      return out
    }
    const a = await losses(1, 0)
    expect(await losses(1, 2)).toEqual(a)
    expect(await losses(2, 0)).not.toEqual(a)
  })

  it('a paused and resumed run ends with the same weights and metrics as an uninterrupted one', async () => {
    await expectPauseResumeEqualsWhole(tinyConfig({ steps: 6, checkpointEvery: 100 }), mnist)
  })

  it('refuses a checkpoint made on another split', async () => {
    let state: TrainingState | undefined
    await train(tinyConfig({ steps: 2 }), mnist, { hooks: { onCheckpoint: (s) => void (state = s) } })
    await expect(train(tinyConfig({ steps: 4, splitSeed: 7 }), mnist, { resumeFrom: state })).rejects.toThrow(/split/)
  })
})

describe('data order', () => {
  it('visits every image once per epoch, reproducibly from any position', () => {
    const pool = Int32Array.from({ length: 10 }, (_, i) => i * 3)
    const order = new EpochOrder(pool, 5, 1)
    const epoch = Array.from(order.take(0, 10)).sort((a, b) => a - b)
    expect(epoch).toEqual(Array.from(pool))
    const later = Array.from(new EpochOrder(pool, 5, 1).take(7, 6))
    expect(later).toEqual(Array.from(order.take(0, 13)).slice(7))
  })
})
