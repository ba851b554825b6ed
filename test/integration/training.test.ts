// The training loop end to end on the wasm backend with tiny settings.
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { resolveConfig, type RunConfig } from '../../src/shared/config.ts'
import { initBackend } from '../../src/main/trainer/backend.ts'
import { train, type Metrics } from '../../src/main/trainer/loop.ts'
import type { TrainingState } from '../../src/main/checkpoint/format.ts'
import { deserializeState, serializeState } from '../../src/main/checkpoint/format.ts'
import { loadMnist } from '../../src/main/data/mnist.ts'
import type { Dataset } from '../../src/main/data/types.ts'
import { EpochOrder } from '../../src/main/trainer/data/order.ts'

let mnist: Dataset

/** A small, every-class sample of MNIST (its digits are stored class by class), so steps take milliseconds. */
function smallDataset(full: Dataset): Dataset {
  const size = full.height * full.width * full.channels
  const take = (set: Dataset['train'], n: number) => {
    const stride = Math.floor(set.count / n)
    const images = new Uint8Array(n * size)
    const labels = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      images.set(set.images.subarray(i * stride * size, (i * stride + 1) * size), i * size)
      labels[i] = set.labels[i * stride]
    }
    return { images, labels, count: n }
  }
  return { ...full, train: take(full.train, 600), test: take(full.test, 100) }
}

function tinyConfig(overrides: Partial<RunConfig> = {}): RunConfig {
  return resolveConfig({
    dataset: 'mnist',
    model: 'small-cnn',
    backend: 'wasm',
    labelsPerClass: 2,
    batchSize: 4,
    mu: 2,
    steps: 6,
    evalEvery: 3,
    logEvery: 2,
    checkpointEvery: 3,
    evalBatchSize: 50,
    augmentWorkers: 0,
    threshold: 0.5,
    ...overrides
  })
}

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
    const config = tinyConfig({ steps: 6, checkpointEvery: 100 })
    const collect = () => {
      const metrics: [number, Metrics][] = []
      let last: TrainingState | undefined
      return {
        metrics,
        last: () => last!,
        hooks: { onMetrics: (s: number, m: Metrics) => metrics.push([s, m]), onCheckpoint: (st: TrainingState) => void (last = st) }
      }
    }
    const whole = collect()
    await train(config, mnist, { hooks: whole.hooks })

    const first = collect()
    let steps = 0
    const paused = await train(config, mnist, { hooks: { ...first.hooks, onProgress: () => void steps++, control: () => (steps >= 3 ? 'pause' : undefined) } })
    expect(paused.status).toBe('paused')
    expect(paused.step).toBe(3)
    // through bytes, as a checkpoint file would be
    const state = deserializeState(serializeState(first.last()))
    expect(state.step).toBe(3)
    const second = collect()
    const resumed = await train(config, mnist, { hooks: second.hooks, resumeFrom: state })
    expect(resumed.status).toBe('finished')

    const strip = (m: Metrics) => Object.fromEntries(Object.entries(m).filter(([k]) => !/Seconds|imagesPerSecond/.test(k)))
    expect(second.metrics.map(([s, m]) => [s, strip(m)])).toEqual(whole.metrics.filter(([s]) => s > 3).map(([s, m]) => [s, strip(m)]))
    const finalWhole = whole.last().tensors.params
    const finalResumed = second.last().tensors.params
    for (const name of Object.keys(finalWhole)) expect(Array.from(finalResumed[name].values)).toEqual(Array.from(finalWhole[name].values))
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
