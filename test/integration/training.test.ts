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
import { statefulFixMatch } from '../helpers/stateful-method.ts'
import { fixmatch } from '../../src/main/trainer/methods/fixmatch.ts'
import type { SslMethod } from '../../src/main/trainer/methods/index.ts'
import { makeLabeledSplit } from '../../src/main/data/split.ts'
import { deriveSeed, STREAMS } from '../../src/shared/rng.ts'
import { deserializeState, serializeState } from '../../src/main/checkpoint/format.ts'

const tinyConfig = (overrides: Partial<RunConfig> = {}) => tinyTrainingConfig('wasm', overrides)

let mnist: Dataset

beforeAll(async () => {
  await initBackend('wasm')
  mnist = smallDataset(await loadMnist())
})

describe('training loop', () => {
  it.each(['S', 'O', 'L', 'U', 'U+', 'FlexMatch', 'FreeMatch'] as const)('variant %s runs, reports metrics and leaks no tensors', async (variant) => {
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
    // the adaptive methods record their own curve: FlexMatch's mean learning effect, FreeMatch's global threshold
    if (variant === 'FlexMatch') expect(m.learningEffect).toBeGreaterThanOrEqual(0)
    else expect(m.learningEffect).toBeUndefined()
    if (variant === 'FreeMatch') {
      expect(m.globalThreshold).toBeGreaterThan(0.1) // moved from 1/C towards the batches' confidence
      expect(m.lossFairness).toBeLessThan(0)
    } else expect(m.globalThreshold).toBeUndefined()
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

  it('a method with state (held in the test, none of the five has any) resumes bit-identically, its state included', async () => {
    const paused = await expectPauseResumeEqualsWhole(tinyConfig({ steps: 6, checkpointEvery: 100 }), mnist, statefulFixMatch)
    const { threshold, keptPerImage } = paused.tensors.method!
    // the state moved: a resume that started it afresh would train differently
    expect(threshold.values[0]).not.toBeCloseTo(0.1, 3)
    expect(keptPerImage.shape).toEqual([600 - 20])
    expect(keptPerImage.values.reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
    expect(Math.max(...keptPerImage.values)).toBeLessThanOrEqual(1) // 3 steps of 8 images: no image twice yet
  })

  it('FlexMatch resumes bit-identically, its per-image records and learning effects included', async () => {
    const paused = await expectPauseResumeEqualsWhole(tinyConfig({ variant: 'FlexMatch', steps: 6, checkpointEvery: 100, threshold: 0.3 }), mnist)
    const { selectedLabel, classwiseAcc } = paused.tensors.method!
    // one record per image of the unlabeled pool, some already set after 3 steps: a fresh state would differ
    expect(selectedLabel.shape).toEqual([600 - 20])
    expect(selectedLabel.values.filter((v) => v >= 0).length).toBeGreaterThan(0)
    expect(Math.max(...classwiseAcc.values)).toBeGreaterThan(0)
  })

  it('FreeMatch resumes bit-identically, its time_p, p_model and label_hist included', async () => {
    const paused = await expectPauseResumeEqualsWhole(tinyConfig({ variant: 'FreeMatch', steps: 6, checkpointEvery: 100, emaP: 0.9 }), mnist)
    const { timeP, pModel, labelHist } = paused.tensors.method!
    expect(timeP.values[0]).not.toBeCloseTo(0.1, 3)
    expect(pModel.shape).toEqual([10])
    expect(labelHist.values.some((v) => Math.abs(v - 0.1) > 1e-3)).toBe(true)
  })

  it('refuses to resume a method with state from a checkpoint that lacks it, naming the entry', async () => {
    let state: TrainingState | undefined
    await train(tinyConfig({ steps: 2 }), mnist, { hooks: { onCheckpoint: (s) => void (state = s) }, method: statefulFixMatch })
    const withoutState = deserializeState(serializeState({ ...state!, tensors: { ...state!.tensors, method: {} } }))
    await expect(train(tinyConfig({ steps: 4 }), mnist, { resumeFrom: withoutState, method: statefulFixMatch })).rejects.toThrow(/no method state "threshold"/)
  })

  it('gives the method each unlabeled image with its position in the unlabeled pool', async () => {
    const config = tinyConfig({ steps: 4, mu: 3 })
    const seen: { positions: number[]; truth: number[] }[] = []
    const recorder: SslMethod = {
      ...fixmatch,
      step(inputs, state) {
        seen.push({ positions: Array.from(inputs.batch.unlabeledPositions), truth: Array.from(inputs.batch.unlabeledTrueLabels) })
        return fixmatch.step(inputs, state)
      }
    }
    await train(config, mnist, { method: recorder })
    const split = makeLabeledSplit(mnist.train.labels, 10, {
      labelsPerClass: config.labelsPerClass,
      seed: deriveSeed(config.splitSeed, STREAMS.split),
      unlabeledMode: config.unlabeledPool,
      classNames: mnist.classNames
    })
    expect(seen).toHaveLength(4)
    const all = seen.flatMap((s) => s.positions)
    expect(all).toHaveLength(4 * 4 * 3)
    // positions 0..U-1, no image twice within an epoch, each naming the image whose true label came with it
    for (const p of all) expect(p >= 0 && p < split.unlabeled.length).toBe(true)
    expect(new Set(all).size).toBe(all.length)
    for (const { positions, truth } of seen) expect(truth).toEqual(positions.map((p) => mnist.train.labels[split.unlabeled[p]]))
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
