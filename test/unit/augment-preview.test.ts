// The augmentation preview's trace and its views: asking for the trace changes
// no pixel and no later draw, and the preview's views of step s are the
// trainer's batch code's views of step s (the loop itself: test/integration/augment-preview-training.test.ts).
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../src/shared/rng.ts'
import { resolveConfig, type RunConfig } from '../../src/shared/config.ts'
import { methodDescriptor } from '../../src/shared/methods/index.ts'
import { BatchAugmenter, type StrongTrace, type SimclrDraw } from '../../src/main/trainer/augment/index.ts'
import { runBatches } from '../../src/main/trainer/data/batches.ts'
import { prepareBatch } from '../../src/main/trainer/data/prepare.ts'
import { previewAugmentations } from '../../src/main/trainer/data/preview.ts'
import { loadMnist } from '../../src/main/data/mnist.ts'
import type { Dataset } from '../../src/main/data/types.ts'
import { smallDataset } from '../helpers/training.ts'

function randomBytes(rng: Rng, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => rng.nextUint32() & 0xff)
}

/** The trainer's normalisation of one byte (BatchAugmenter's table), for comparing bytes with the model's input. */
function normalized(bytes: Uint8Array, channels: number, mean: readonly number[], std: readonly number[]): Float32Array {
  return Float32Array.from(bytes, (v, i) => (v / 255 - mean[i % channels]) / std[i % channels])
}

describe('RandAugment trace', () => {
  const shape = { height: 32, width: 32, channels: 3 }
  const count = 12
  const size = 32 * 32 * 3
  const images = randomBytes(new Rng(9), count * size)
  const augmenter = new BatchAugmenter(shape, { mean: [0.5, 0.4, 0.3], std: [0.25, 0.2, 0.3] })

  const run = (trace?: StrongTrace[], simclrTrace?: SimclrDraw[]) => {
    const rng = new Rng(1234)
    const weak = new Float32Array(count * size)
    const strong = new Float32Array(count * size)
    const bytes = { weak: new Uint8Array(count * size), strong: new Uint8Array(count * size) }
    augmenter.weakStrong(images, count, rng, weak, strong, bytes, trace)
    const simclr = new Float32Array(count * size)
    augmenter.simclr(bytes.strong, count, rng, simclr, simclrTrace)
    return { weak, strong, bytes, simclr, after: rng.nextUint32() }
  }

  it('leaves every pixel and the random stream as they are without it', () => {
    const trace: StrongTrace[] = []
    const simclrTrace: SimclrDraw[] = []
    const plain = run()
    const traced = run(trace, simclrTrace)
    expect(traced.weak).toEqual(plain.weak)
    expect(traced.strong).toEqual(plain.strong)
    expect(traced.bytes.strong).toEqual(plain.bytes.strong)
    expect(traced.simclr).toEqual(plain.simclr)
    expect(traced.after).toBe(plain.after)
    expect(trace).toHaveLength(count)
    expect(simclrTrace).toHaveLength(count)
  })

  it('records each image its own draws, not the reused plan', () => {
    const trace: StrongTrace[] = []
    run(trace)
    // the augmenter reuses one plan: a trace holding references would show the last image's ops everywhere
    const drawn = new Set(trace.map((t) => JSON.stringify(t)))
    expect(drawn.size).toBe(count)
    for (const { randAugment, weak } of trace) {
      expect(randAugment.ops).toHaveLength(2)
      for (const op of randAugment.ops) {
        expect(op.level).toBeGreaterThanOrEqual(1)
        expect(op.level).toBeLessThanOrEqual(9)
        if (!op.applied) expect(op.value).toBe(0)
      }
      // the study's Cutout: 16 px at 32, inside the image
      expect(randAugment.cutout.enabled).toBe(true)
      expect(randAugment.cutout.x1 - randAugment.cutout.x0).toBeLessThanOrEqual(16)
      expect(randAugment.cutout.x0).toBeGreaterThanOrEqual(0)
      expect(randAugment.cutout.y1).toBeLessThanOrEqual(32)
      expect(weak.cropX).toBeLessThanOrEqual(8)
    }
  })

  it('names the Cutout box the strong view is grey in', () => {
    const trace: StrongTrace[] = []
    const { bytes } = run(trace)
    for (let n = 0; n < count; n++) {
      const { x0, y0, x1, y1 } = trace[n].randAugment.cutout
      // inclusive corners, clipped to the image: every pixel inside is the study's grey 127
      for (let y = y0; y <= Math.min(y1, 31); y++)
        for (let x = x0; x <= Math.min(x1, 31); x++) for (let c = 0; c < 3; c++) expect(bytes.strong[n * size + (y * 32 + x) * 3 + c]).toBe(127)
    }
  })
})

describe('augmentation preview', () => {
  let mnist: Dataset
  beforeAll(async () => {
    mnist = smallDataset(await loadMnist())
  })
  const config = (overrides: Partial<RunConfig> = {}) =>
    resolveConfig({ dataset: 'mnist', model: 'small-cnn', labelsPerClass: 4, batchSize: 8, mu: 3, steps: 50, seed: 7, ...overrides })

  it("shows step s's images as the trainer's batch code makes them, seed and step included", () => {
    const cfg = config()
    const step = 13
    const preview = previewAugmentations(cfg, mnist, { step, count: 5 })
    const batches = runBatches(cfg, mnist, methodDescriptor(cfg.variant))
    const job = batches.makeJob(step)
    const batch = prepareBatch(batches.pool, job, batches.prepareOptions)
    const size = 28 * 28
    const { mean, std } = mnist.normalization
    expect(preview.seed).toBe(job.seed)
    expect(preview.items).toHaveLength(5)
    preview.items.forEach((item, i) => {
      expect(item.datasetIndex).toBe(job.unlabeled[i])
      expect(item.label).toBe(mnist.train.labels[job.unlabeled[i]])
      expect(normalized(item.strong, 1, mean, std)).toEqual(batch.strongImages.subarray(i * size, (i + 1) * size))
      expect(normalized(item.weak, 1, mean, std)).toEqual(batch.weakImages.subarray(i * size, (i + 1) * size))
    })
    // another step draws other images and other ops
    const other = previewAugmentations(cfg, mnist, { step: step + 1, count: 5 })
    expect(other.items.map((item) => item.datasetIndex)).not.toEqual(preview.items.map((item) => item.datasetIndex))
  })

  it("another seed gives other views of the run's images", () => {
    const a = previewAugmentations(config(), mnist, { step: 0, count: 3 })
    const b = previewAugmentations(config({ seed: 8 }), mnist, { step: 0, count: 3 })
    expect(b.seed).not.toBe(a.seed)
    expect(b.items.map((item) => item.randAugment)).not.toEqual(a.items.map((item) => item.randAugment))
  })

  it("shows variant L's SimCLR views as its batch holds them", () => {
    const cfg = config({ variant: 'L' })
    const preview = previewAugmentations(cfg, mnist, { step: 2, count: 3 })
    expect(preview.simclrUsed).toBe(true)
    const batches = runBatches(cfg, mnist, methodDescriptor('L'))
    const job = batches.makeJob(2)
    const batch = prepareBatch(batches.pool, job, batches.prepareOptions)
    const size = 28 * 28
    const b = job.labeled.length
    const whole = b + 2 * job.unlabeled.length
    const { mean, std } = mnist.normalization
    preview.items.forEach((item, i) => {
      for (const copy of [0, 1] as const) {
        const trainer = batch.simclrViews!.subarray((copy * whole + b + i) * size, (copy * whole + b + i + 1) * size)
        const shown = normalized(item.simclr[copy], 1, mean, std)
        // bytes are the floats rounded: within half a grey level
        for (let k = 0; k < size; k++) expect(Math.abs(shown[k] - trainer[k]) * std[0] * 255).toBeLessThanOrEqual(0.5 + 1e-3)
      }
    })
    // FixMatch trains on no SimCLR view: the preview says so
    expect(previewAugmentations(config(), mnist, { step: 2, count: 1 }).simclrUsed).toBe(false)
  })

  it('refuses a step outside the run and a variant without unlabeled views, naming them', () => {
    expect(() => previewAugmentations(config(), mnist, { step: 50, count: 1 })).toThrow(/step must be an integer from 0 to 49/)
    expect(() => previewAugmentations(config({ variant: 'S' }), mnist, { step: 0, count: 1 })).toThrow(/variant S trains on no unlabeled images/)
  })
})
