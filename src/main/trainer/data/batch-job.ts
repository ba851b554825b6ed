// What one step's batch is made of, decided on the training thread and
// prepared (augmented, normalised) wherever there is a free core.
import type { Variant } from '../../../shared/config.ts'
import type { Normalization } from './normalize.ts'

export interface ImagePool {
  /** count*h*w*c uint8 HWC; may be backed by a SharedArrayBuffer */
  images: Uint8Array
  /** -1 where unknown */
  labels: Int32Array
  shape: [number, number, number]
}

export interface PrepareOptions {
  variant: Variant
  normalization: Normalization
  horizontalFlip: boolean
  randAugmentN: number
  randAugmentM: number
}

export interface BatchJob {
  step: number
  labeled: Int32Array
  unlabeled: Int32Array
  /** seeds every random draw of this batch's augmentations */
  seed: number
}
