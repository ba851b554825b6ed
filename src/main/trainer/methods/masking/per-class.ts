// A per-class value for each row's pseudo-label, inside the step's gradient tape.
import * as tf from '@tensorflow/tfjs-core'

/**
 * perClass[labels[i]] for each row. Not tf.gather: its gradient for indices is
 * int32, which the tape rejects when the labels (an argmax of the logits) sit on
 * the path to the loss; the one-hot product picks the same value exactly.
 */
export function valueOfClass(perClass: tf.Tensor1D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.sum(tf.mul(tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, perClass.shape[0]), perClass), 1) as tf.Tensor1D
}
