// FreeMatch's self-adaptive mask (USB's FreeMatchThresholingHook, without the
// quantile and clip options): the state moves by EMA from the step's weak
// probabilities FIRST, then a row counts when its max probability reaches the
// global threshold time_p scaled by its class's p_model / max(p_model).
import * as tf from '@tensorflow/tfjs-core'
import { valueOfClass } from './per-class.ts'
import type { MaskingPolicy } from './types.ts'

export interface FreeMatchState {
  /** [] the global threshold: EMA of the batches' mean max probability */
  timeP: tf.Variable
  /** [C] EMA of the mean class probabilities */
  pModel: tf.Variable
  /** [C] EMA of the pseudo-label histogram */
  labelHist: tf.Variable
}

export function createFreeMatchState(numClasses: number): FreeMatchState {
  const uniform = 1 / numClasses
  // tidy: the initial values go, the variables (which tidy keeps) stay
  return tf.tidy(() => ({
    timeP: tf.variable(tf.scalar(uniform), false),
    pModel: tf.variable(tf.fill([numClasses], uniform), false),
    labelHist: tf.variable(tf.fill([numClasses], uniform), false)
  }))
}

export function freeMatchThreshold(state: FreeMatchState, emaP: number): MaskingPolicy {
  const { timeP, pModel, labelHist } = state
  const ema = (held: tf.Variable, batch: tf.Tensor) => held.assign(tf.add(tf.mul(held, emaP), tf.mul(batch, 1 - emaP)))
  return {
    mask: ({ probs, maxProbs, pseudoLabels }) => {
      const classes = tf.cast(pseudoLabels, 'int32')
      const [rows, classCount] = probs.shape
      ema(timeP, tf.mean(maxProbs))
      ema(pModel, tf.mean(probs, 0))
      ema(labelHist, tf.div(tf.sum(tf.cast(tf.oneHot(classes as tf.Tensor1D, classCount), 'float32'), 0), rows))
      const scale = tf.div(pModel, tf.max(pModel))
      return tf.cast(tf.greaterEqual(maxProbs, tf.mul(timeP, valueOfClass(scale as tf.Tensor1D, pseudoLabels))), 'float32') as tf.Tensor1D
    }
  }
}
