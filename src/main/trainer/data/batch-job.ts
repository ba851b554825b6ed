// What one step's batch is made of, decided on the training thread and
// prepared (augmented, normalised) wherever there is a free core.
import type { MethodViews } from '../../../shared/methods/index.ts'
import type { Normalization } from './normalize.ts'

export interface ImagePool {
  /** count*h*w*c uint8 HWC; may be backed by a SharedArrayBuffer */
  images: Uint8Array
  /** -1 where unknown */
  labels: Int32Array
  shape: [number, number, number]
}

export interface PrepareOptions {
  /** the views the run's method needs */
  views: MethodViews
  normalization: Normalization
  horizontalFlip: boolean
  randAugmentN: number
  randAugmentM: number
}

export interface BatchJob {
  step: number
  labeled: Int32Array
  /** dataset indices of the unlabeled images */
  unlabeled: Int32Array
  /** their positions in the unlabeled pool (0..U-1) */
  unlabeledPositions: Int32Array
  /** seeds every random draw of this batch's augmentations */
  seed: number
}
