// FixMatch's mask: a pseudo-label counts when its probability reaches a fixed threshold.
import * as tf from '@tensorflow/tfjs-core'
import type { MaskingPolicy } from './types.ts'

export function fixedThreshold(threshold: number): MaskingPolicy {
  return { mask: ({ maxProbs }) => tf.cast(tf.greaterEqual(maxProbs, threshold), 'float32') as tf.Tensor1D }
}
