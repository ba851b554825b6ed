// The augmentation preview: the views step `step` of a run trains on, made by
// the trainer's own batch code (runBatches + prepareBatch) with the run's seed,
// and what their augmentations drew. Only the first `count` unlabeled images of
// the step's batch are returned, but the whole batch is made: each image's draws
// depend on the images before it in the batch.
import type { RunConfig } from '../../../shared/config.ts'
import { methodDescriptor, unlabeledPerStep } from '../../../shared/methods/index.ts'
import type { Dataset } from '../../data/types.ts'
import type { RandAugmentPlan, SimclrDraw, WeakDraw } from '../augment/index.ts'
import { runBatches } from './batches.ts'
import { prepareBatch, type BatchTrace } from './prepare.ts'
import type { Normalization } from './normalize.ts'

export interface PreviewItem {
  /** index in the training set (or past its end: an extra unlabeled image) */
  datasetIndex: number
  /** -1 where unknown */
  label: number
  original: Uint8Array
  weak: Uint8Array
  weakDraw: WeakDraw
  /** the strong view as the trainer normalises it */
  strong: Uint8Array
  randAugment: RandAugmentPlan
  /** the two SimCLR views of the image's weak view (those variant L's batch holds; see simclrUsed) */
  simclr: [Uint8Array, Uint8Array]
  simclrDraws: [SimclrDraw, SimclrDraw]
}

export interface AugmentPreview {
  step: number
  /** the seed of every draw of this step's augmentations */
  seed: number
  shape: [number, number, number]
  /** whether the config's method trains on SimCLR views (otherwise they show what variant L would make of the same batch) */
  simclrUsed: boolean
  items: PreviewItem[]
}

/** The float view the model sees, back to bytes for showing (SimCLR views are made in floats). */
function toBytes(values: Float32Array, channels: number, norm: Normalization): Uint8Array {
  const out = new Uint8Array(values.length)
  for (let i = 0, c = 0; i < values.length; i++) {
    out[i] = Math.min(255, Math.max(0, Math.round((values[i] * norm.std[c] + norm.mean[c]) * 255)))
    if (++c === channels) c = 0
  }
  return out
}

export function previewAugmentations(config: RunConfig, dataset: Dataset, options: { step: number; count: number }): AugmentPreview {
  const { step, count } = options
  if (!Number.isInteger(step) || step < 0 || step >= config.steps)
    throw new Error(`step must be an integer from 0 to ${config.steps - 1} (the run's steps), got ${step}`)
  const descriptor = methodDescriptor(config.variant)
  const u = unlabeledPerStep(descriptor, config)
  if (u === 0) throw new Error(`variant ${config.variant} trains on no unlabeled images, so it makes no weak, strong or SimCLR views to preview`)
  if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, got ${count}`)
  const batches = runBatches(config, dataset, descriptor)
  const job = batches.makeJob(step)
  // SimCLR views come after every weak and strong draw of the batch, so making them changes neither.
  const prepareOptions = { ...batches.prepareOptions, views: { ...batches.prepareOptions.views, simclr: true } }
  const trace: BatchTrace = { strong: [], simclr: [[], []] }
  const batch = prepareBatch(batches.pool, job, prepareOptions, trace)
  const [height, width, channels] = batches.pool.shape
  const size = height * width * channels
  const b = job.labeled.length
  const whole = b + 2 * u
  const bytes = trace.bytes!
  const view = (at: number) => bytes.slice(at * size, (at + 1) * size)
  const simclr = (copy: 0 | 1, at: number) =>
    toBytes(batch.simclrViews!.subarray((copy * whole + at) * size, (copy * whole + at + 1) * size), channels, dataset.normalization)
  const items: PreviewItem[] = []
  for (let j = 0; j < Math.min(count, u); j++) {
    const index = job.unlabeled[j]
    items.push({
      datasetIndex: index,
      label: batches.pool.labels[index],
      original: batches.pool.images.slice(index * size, (index + 1) * size),
      weak: view(b + j),
      weakDraw: trace.strong[j].weak,
      strong: view(b + u + j),
      randAugment: trace.strong[j].randAugment,
      simclr: [simclr(0, b + j), simclr(1, b + j)],
      simclrDraws: [trace.simclr[0][b + j], trace.simclr[1][b + j]]
    })
  }
  return { step, seed: job.seed, shape: batches.pool.shape, simclrUsed: descriptor.views.simclr, items }
}
