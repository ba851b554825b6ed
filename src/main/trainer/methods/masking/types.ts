// A masking policy decides which unlabeled rows' pseudo-labels count. Fixed
// threshold today; adaptive ones (FlexMatch, FreeMatch) keep per-class or
// per-image state and see where each row sits in the unlabeled pool.
import type * as tf from '@tensorflow/tfjs-core'

export interface MaskInputs {
  /** [u, C] the weak view's class probabilities (detached) */
  probs: tf.Tensor2D
  /** [u] the weak view's largest class probability (detached) */
  maxProbs: tf.Tensor1D
  /** [u] its class */
  pseudoLabels: tf.Tensor1D
  /** [u] positions of the rows in the unlabeled pool */
  positions: Int32Array
}

export interface MaskingPolicy {
  /** [u] float 0/1: 1 where the row's pseudo-label counts */
  mask(inputs: MaskInputs): tf.Tensor1D
}
