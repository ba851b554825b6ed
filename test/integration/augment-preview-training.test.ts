// The preview shows what the trainer trains on: a run of the training loop
// records the strong views each step's method receives, and the preview's
// strong view of image i at step s is that step's image i, pixel for pixel.
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../src/main/trainer/backend.ts'
import { train } from '../../src/main/trainer/loop.ts'
import { fixmatch } from '../../src/main/trainer/methods/fixmatch.ts'
import type { SslMethod } from '../../src/main/trainer/methods/index.ts'
import { previewAugmentations } from '../../src/main/trainer/data/preview.ts'
import { loadMnist } from '../../src/main/data/mnist.ts'
import type { Dataset } from '../../src/main/data/types.ts'
import { smallDataset, tinyTrainingConfig } from '../helpers/training.ts'

let mnist: Dataset

beforeAll(async () => {
  await initBackend('wasm')
  mnist = smallDataset(await loadMnist())
})

describe('augmentation preview against the training loop', () => {
  it("equals the strong and weak views a run's steps train on (augmentWorkers as the presets set it)", async () => {
    const config = tinyTrainingConfig('wasm', { seed: 5 })
    expect(config.augmentWorkers).toBe(1)
    const seen: { weak: Float32Array; strong: Float32Array }[] = []
    const recording: SslMethod = {
      ...fixmatch,
      step(inputs, state) {
        seen.push({ weak: inputs.batch.weakImages.slice(), strong: inputs.batch.strongImages.slice() })
        return fixmatch.step(inputs, state)
      }
    }
    await train(config, mnist, { method: recording })
    expect(seen).toHaveLength(config.steps)
    const size = 28 * 28
    const { mean, std } = mnist.normalization
    const normalized = (bytes: Uint8Array) => Float32Array.from(bytes, (v) => (v / 255 - mean[0]) / std[0])
    for (const step of [0, 4]) {
      const preview = previewAugmentations(config, mnist, { step, count: 3 })
      preview.items.forEach((item, i) => {
        expect(normalized(item.strong), `step ${step} image ${i}`).toEqual(seen[step].strong.subarray(i * size, (i + 1) * size))
        expect(normalized(item.weak), `step ${step} image ${i}`).toEqual(seen[step].weak.subarray(i * size, (i + 1) * size))
      })
    }
  })
})
