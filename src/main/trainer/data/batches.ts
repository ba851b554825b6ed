// Which images each step of a run trains on and the seed of their
// augmentations: the run's split, its image pool and its batch jobs, made from
// the config alone. The training loop and the augmentation preview both build
// their batches here, so the preview shows exactly what a step trains on.
import type { RunConfig } from '../../../shared/config.ts'
import type { MethodDescriptor } from '../../../shared/methods/index.ts'
import { unlabeledPerStep as methodUnlabeledPerStep } from '../../../shared/methods/index.ts'
import { deriveSeed, STREAMS } from '../../../shared/rng.ts'
import { makeLabeledSplit, type LabeledSplit } from '../../data/split.ts'
import type { Dataset } from '../../data/types.ts'
import type { BatchJob, ImagePool, PrepareOptions } from './batch-job.ts'
import { EpochOrder } from './order.ts'

export interface RunBatches {
  split: LabeledSplit
  /** the training images with any extra unlabeled images appended (label -1) */
  pool: ImagePool
  /** dataset indices of the unlabeled pool: the split's unlabeled images, then the extra ones */
  unlabeledPool: Int32Array
  prepareOptions: PrepareOptions
  /** the labeled, unlabeled and seed of step `step` */
  makeJob(step: number): BatchJob
}

/** The run's split: k labels per class with its split seed. */
export function labeledSplitFor(config: RunConfig, dataset: Dataset): LabeledSplit {
  return makeLabeledSplit(dataset.train.labels, dataset.classNames.length, {
    labelsPerClass: config.labelsPerClass,
    seed: deriveSeed(config.splitSeed, STREAMS.split),
    unlabeledMode: config.unlabeledPool,
    classNames: dataset.classNames
  })
}

/** The training images, with any extra unlabeled images appended (label -1). */
function trainingPool(dataset: Dataset): { pool: ImagePool; extra: number } {
  const shape: [number, number, number] = [dataset.height, dataset.width, dataset.channels]
  const extra = dataset.extraUnlabeled
  if (!extra || extra.count === 0) return { pool: { images: dataset.train.images, labels: dataset.train.labels, shape }, extra: 0 }
  const images = new Uint8Array(dataset.train.images.length + extra.images.length)
  images.set(dataset.train.images)
  images.set(extra.images, dataset.train.images.length)
  const labels = new Int32Array(dataset.train.count + extra.count).fill(-1)
  labels.set(dataset.train.labels)
  return { pool: { images, labels, shape }, extra: extra.count }
}

export function runBatches(config: RunConfig, dataset: Dataset, descriptor: MethodDescriptor): RunBatches {
  const split = labeledSplitFor(config, dataset)
  const { pool, extra } = trainingPool(dataset)
  const unlabeledPool = Int32Array.from([...split.unlabeled, ...Array.from({ length: extra }, (_, i) => dataset.train.count + i)])
  const labeledOrder = new EpochOrder(split.labeled, config.seed, STREAMS.labeledOrder)
  // the order runs over positions in the unlabeled pool (a method's per-image state is indexed by them);
  // a permutation does not look at the values, so the images drawn are those of an order over the pool itself
  const unlabeledOrder = new EpochOrder(
    Int32Array.from(unlabeledPool, (_, position) => position),
    config.seed,
    STREAMS.unlabeledOrder
  )
  const unlabeledPerStep = methodUnlabeledPerStep(descriptor, config)
  return {
    split,
    pool,
    unlabeledPool,
    prepareOptions: {
      views: descriptor.views,
      normalization: dataset.normalization,
      horizontalFlip: dataset.augment.horizontalFlip,
      randAugmentN: config.randAugmentN,
      randAugmentM: config.randAugmentM
    },
    makeJob(step) {
      const positions = unlabeledOrder.take(step * unlabeledPerStep, unlabeledPerStep)
      return {
        step,
        labeled: labeledOrder.take(step * config.batchSize, config.batchSize),
        unlabeled: positions.map((position) => unlabeledPool[position]),
        unlabeledPositions: positions,
        seed: deriveSeed(config.seed, STREAMS.augment, step)
      }
    }
  }
}
