// The pseudo-label term O, L, U and U+ share (FixMatch's Lu), with its metrics:
// the mask rate and the accuracy of the kept pseudo-labels where the true label is known,
// and per class the pseudo-labels made and kept (the run's diagnostics).
import * as tf from '@tensorflow/tfjs-core'
import { pseudoLabelConsistency } from '../losses.ts'
import type { MaskingPolicy } from './masking/types.ts'
import type { MethodStepInputs } from './types.ts'

export interface PseudoLabelTerm {
  weakLogits: tf.Tensor2D
  strongLogits: tf.Tensor2D
  lossUnlabeled: tf.Scalar
  /** [u] float 0/1: the rows whose pseudo-label counts */
  mask: tf.Tensor1D
  /** maskRate, pseudo-labels kept (true label known), of those correct */
  metrics: tf.Scalar[]
  /** [2, C]: per class the rows whose pseudo-label it is, and of those the rows the mask keeps */
  pseudoLabelCounts: tf.Tensor2D
}

export const PSEUDO_LABEL_METRICS = ['maskRate', 'pseudoLabelsKept', 'pseudoLabelsCorrect'] as const

export function pseudoLabelTerm(inputs: MethodStepInputs, policy: MaskingPolicy): PseudoLabelTerm {
  const { logits, labeledCount: b, unlabeledCount: u, batch } = inputs
  const weakLogits = tf.slice(logits, [b, 0], [u, -1]) as tf.Tensor2D
  const strongLogits = tf.slice(logits, [b + u, 0], [u, -1]) as tf.Tensor2D
  const consistency = pseudoLabelConsistency(weakLogits, strongLogits, policy, batch.unlabeledPositions)
  // Pseudo-label accuracy on the device: counted over the kept rows whose true label is known.
  const truth = tf.tensor1d(batch.unlabeledTrueLabels, 'int32')
  const counted = tf.mul(consistency.mask, tf.cast(tf.greaterEqual(truth, 0), 'float32'))
  const kept = tf.sum(counted) as tf.Scalar
  const correct = tf.sum(tf.mul(counted, tf.cast(tf.equal(tf.cast(consistency.pseudoLabels, 'int32'), truth), 'float32'))) as tf.Scalar
  return {
    weakLogits,
    strongLogits,
    lossUnlabeled: consistency.loss,
    mask: consistency.mask,
    metrics: [consistency.maskRate, kept, correct],
    pseudoLabelCounts: pseudoLabelClassCounts(consistency.pseudoLabels, consistency.mask, weakLogits.shape[1])
  }
}

/** [2, C]: per class the rows with that pseudo-label, and those of them whose mask is 1. */
export function pseudoLabelClassCounts(pseudoLabels: tf.Tensor1D, mask: tf.Tensor1D, classes: number): tf.Tensor2D {
  const oneHot = tf.cast(tf.oneHot(tf.cast(pseudoLabels, 'int32') as tf.Tensor1D, classes), 'float32')
  const kept = tf.mul(oneHot, tf.reshape(mask, [-1, 1]))
  return tf.stack([tf.sum(oneHot, 0), tf.sum(kept, 0)]) as tf.Tensor2D
}

/** The recorded metrics from the term's three device values. */
export function pseudoLabelMetrics(values: ArrayLike<number>): Record<string, number> {
  const [maskRate, kept, correct] = Array.from(values)
  return { maskRate, pseudoLabelAccuracy: kept > 0 ? correct / kept : NaN }
}
