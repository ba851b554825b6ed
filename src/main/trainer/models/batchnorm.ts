// Batch normalisation over NHWC with PyTorch's conventions: normalise with the
// biased batch variance, but feed the UNBIASED one into the running variance,
// and running = (1 - momentum) * running + momentum * batch.
import * as tf from '@tensorflow/tfjs-core'

export interface BatchNormLayer {
  weight: tf.Variable<tf.Rank.R1>
  bias: tf.Variable<tf.Rank.R1>
  runningMean: tf.Variable<tf.Rank.R1>
  runningVar: tf.Variable<tf.Rank.R1>
  /** PyTorch convention: the weight of the new batch statistic. */
  momentum: number
  eps: number
}

const REDUCE_AXES = [0, 1, 2]

/**
 * training=false: running statistics, no side effects.
 * training=true: batch statistics, and the running statistics are updated in
 * place. The gradient is the closed form of BN's backward pass (fewer passes
 * over the activations than autodiff through moments would take).
 */
export function batchNorm(x: tf.Tensor4D, layer: BatchNormLayer, training: boolean): tf.Tensor4D {
  if (!training) return tf.batchNorm4d(x, layer.runningMean, layer.runningVar, layer.bias, layer.weight, layer.eps)
  const normalise = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, gamma, beta, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc]
    const { mean, variance } = tf.moments(input, REDUCE_AXES) as { mean: tf.Tensor1D; variance: tf.Tensor1D }
    updateRunning(layer, mean, variance, valuesPerChannel(input))
    save([input, mean, variance, gamma])
    return {
      value: tf.batchNorm4d(input, mean, variance, beta, gamma, layer.eps),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => batchNormGrad(dy as tf.Tensor4D, saved, layer.eps)
    }
  })
  return normalise(x, layer.weight, layer.bias) as tf.Tensor4D
}

/**
 * Updates the running statistics from x without producing an output: for a BN
 * whose output the network discards but whose stats PyTorch still updates.
 */
export function updateRunningStatistics(x: tf.Tensor4D, layer: BatchNormLayer): void {
  tf.tidy(() => {
    const { mean, variance } = tf.moments(x, REDUCE_AXES)
    updateRunning(layer, mean, variance, valuesPerChannel(x))
  })
}

function valuesPerChannel(x: tf.Tensor4D): number {
  const count = x.shape[0] * x.shape[1] * x.shape[2]
  // As PyTorch: the unbiased variance of a single value is undefined.
  if (count < 2) throw new Error(`batch norm in training mode needs more than 1 value per channel, got input shape [${x.shape}]`)
  return count
}

function updateRunning(layer: BatchNormLayer, mean: tf.Tensor, variance: tf.Tensor, count: number): void {
  const m = layer.momentum
  const unbiased = tf.mul(variance, count / (count - 1))
  layer.runningMean.assign(tf.add(tf.mul(layer.runningMean, 1 - m), tf.mul(mean, m)))
  layer.runningVar.assign(tf.add(tf.mul(layer.runningVar, 1 - m), tf.mul(unbiased, m)))
}

// dx = gamma / sqrt(var + eps) * (dy - mean(dy) - xhat * mean(dy * xhat))
function batchNormGrad(dy: tf.Tensor4D, saved: tf.Tensor[], eps: number): tf.Tensor[] {
  const [input, mean, variance, gamma] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D]
  const count = input.shape[0] * input.shape[1] * input.shape[2]
  const xhat = tf.batchNorm4d(input, mean, variance, undefined, undefined, eps)
  const dBeta = tf.sum(dy, REDUCE_AXES)
  const dGamma = tf.sum(tf.mul(dy, xhat), REDUCE_AXES)
  const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, eps)))
  const centred = tf.sub(dy, tf.div(dBeta, count))
  const dx = tf.mul(tf.sub(centred, tf.mul(xhat, tf.div(dGamma, count))), scale)
  return [dx, dGamma, dBeta]
}
