// Turns a BatchJob into a TrainBatch: gathers the images, makes the weak and
// strong views (and where the method asks for them the two SimCLR views of the
// whole batch), normalised.
import { Rng } from '../../../shared/rng.ts'
import { BatchAugmenter, type SimclrDraw, type StrongTrace } from '../augment/index.ts'
import type { TrainBatch } from '../step.ts'
import type { BatchJob, ImagePool, PrepareOptions } from './batch-job.ts'

let cached: { key: string; augmenter: BatchAugmenter } | undefined

/** One augmenter per thread and setting: it owns reusable scratch buffers. */
function augmenterFor(pool: ImagePool, options: PrepareOptions): BatchAugmenter {
  const [height, width, channels] = pool.shape
  const key = JSON.stringify([pool.shape, options])
  if (cached?.key !== key) {
    const augmenter = new BatchAugmenter(
      { height, width, channels },
      {
        mean: options.normalization.mean,
        std: options.normalization.std,
        weak: { horizontalFlip: options.horizontalFlip, pad: Math.round(width * 0.125) },
        randAugment: { n: options.randAugmentN, m: options.randAugmentM }
      }
    )
    cached = { key, augmenter }
  }
  return cached.augmenter
}

function gather(pool: ImagePool, indices: Int32Array): Uint8Array {
  const size = pool.shape[0] * pool.shape[1] * pool.shape[2]
  const out = new Uint8Array(indices.length * size)
  for (let i = 0; i < indices.length; i++) out.set(pool.images.subarray(indices[i] * size, (indices[i] + 1) * size), i * size)
  return out
}

/** What a batch's augmentations drew, for the preview; asking for it changes none of the views. */
export interface BatchTrace {
  /** per unlabeled image: its weak draw and its RandAugment ops and Cutout box */
  strong: StrongTrace[]
  /** the uint8 views [labeled B, weak u, strong u], before normalisation */
  bytes?: Uint8Array
  /** per image of the whole batch [labeled, weak, strong], each SimCLR view's draw (where the method makes them) */
  simclr: [SimclrDraw[], SimclrDraw[]]
}

export function prepareBatch(pool: ImagePool, job: BatchJob, options: PrepareOptions, trace?: BatchTrace): TrainBatch {
  const augmenter = augmenterFor(pool, options)
  const size = pool.shape[0] * pool.shape[1] * pool.shape[2]
  const rng = new Rng(job.seed)
  const b = job.labeled.length
  const u = job.unlabeled.length

  // SimCLR views are made from the augmented batch as bytes: [labeled, weak, strong].
  const whole = b + 2 * u
  const batchBytes = options.views.simclr || trace ? new Uint8Array(whole * size) : undefined
  if (trace) trace.bytes = batchBytes
  const part = (from: number, count: number) => batchBytes?.subarray(from * size, (from + count) * size)

  const labeledImages = new Float32Array(b * size)
  augmenter.weak(gather(pool, job.labeled), b, rng, labeledImages, part(0, b))
  const labels = Int32Array.from(job.labeled, (i) => pool.labels[i])
  const weakImages = new Float32Array(u * size)
  const strongImages = new Float32Array(u * size)
  if (u > 0) augmenter.weakStrong(gather(pool, job.unlabeled), u, rng, weakImages, strongImages, { weak: part(b, u), strong: part(b + u, u) }, trace?.strong)
  const unlabeledTrueLabels = Int32Array.from(job.unlabeled, (i) => pool.labels[i])

  let simclrViews: Float32Array | undefined
  if (batchBytes && options.views.simclr) {
    // Two SimCLR views of the whole concatenated batch, as the study did.
    const bytes = batchBytes
    simclrViews = new Float32Array(2 * whole * size)
    augmenter.simclr(bytes, whole, rng, simclrViews.subarray(0, whole * size), trace?.simclr[0])
    augmenter.simclr(bytes, whole, rng, simclrViews.subarray(whole * size), trace?.simclr[1])
  }
  return { labeledImages, labels, weakImages, strongImages, unlabeledPositions: job.unlabeledPositions, unlabeledTrueLabels, simclrViews }
}
