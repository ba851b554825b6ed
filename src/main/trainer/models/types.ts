import type * as tf from '@tensorflow/tfjs-core'

/**
 * A classifier built from tfjs-core ops and tf.Variables (no tfjs-layers).
 * Names follow PyTorch's state_dict keys (e.g. "block1.0.conv1.weight"), so
 * weights can be exchanged with the study's code and checkpoints are readable.
 */
export interface Classifier {
  readonly architecture: string
  readonly numClasses: number
  /** Trainable parameters by name, in a fixed order. */
  readonly params: Map<string, tf.Variable>
  /** Non-trainable state (BN running_mean / running_var) by name. */
  readonly buffers: Map<string, tf.Variable>
  /**
   * Logits for a batch of NHWC float images.
   * training=true normalises with batch statistics (biased variance) and
   * updates the running statistics in place (PyTorch momentum convention);
   * training=false uses the running statistics and changes nothing.
   */
  apply(images: tf.Tensor4D, training: boolean): tf.Tensor2D
  /** Whether weight decay applies to this parameter by default (conv and dense weights only). */
  decays(paramName: string): boolean
  parameterCount(): number
  dispose(): void
}
