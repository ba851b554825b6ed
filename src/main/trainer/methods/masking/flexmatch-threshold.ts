// FlexMatch's curriculum mask (USB's FlexMatchThresholdingHook, hard labels, the
// convex mapping), all on the device: per unlabeled image the class of its last
// confident prediction (-1 until it has one), per class the learning effect
// those records give. The step's mask uses the effect from before the step.
import * as tf from '@tensorflow/tfjs-core'
import { valueOfClass } from './per-class.ts'
import type { MaskingPolicy } from './types.ts'

export interface FlexMatchState {
  /** [U] float: per image of the unlabeled pool the class last predicted with max p >= threshold, -1 before */
  selectedLabel: tf.Variable
  /** [C] the learning effect sigma_c */
  classwiseAcc: tf.Variable
}

export interface FlexMatchOptions {
  /** p_cutoff: the config's threshold */
  threshold: number
  /** keep the count of images with no record yet (-1) in the effect's denominator */
  threshWarmup: boolean
}

export function createFlexMatchState(numClasses: number, unlabeledCount: number): FlexMatchState {
  // tidy: the initial values go, the variables (which tidy keeps) stay
  return tf.tidy(() => ({
    selectedLabel: tf.variable(tf.fill([unlabeledCount], -1), false),
    classwiseAcc: tf.variable(tf.zeros([numClasses]), false)
  }))
}

/**
 * The rows of a step split into rounds with distinct pool positions, in order:
 * round k holds each position's k-th row. Applying the rounds in turn makes the
 * last confident row of an image win, as an indexed assignment in order does,
 * when an epoch boundary puts one image twice into a batch.
 */
export function distinctRounds(positions: Int32Array): Int32Array[] {
  const seen = new Map<number, number>()
  const rounds: number[][] = []
  positions.forEach((position, row) => {
    const k = seen.get(position) ?? 0
    seen.set(position, k + 1)
    ;(rounds[k] ??= []).push(row)
  })
  return rounds.map((rows) => Int32Array.from(rows))
}

export function flexMatchThreshold(state: FlexMatchState, options: FlexMatchOptions): MaskingPolicy {
  const { selectedLabel, classwiseAcc } = state
  const { threshold, threshWarmup } = options
  return {
    mask: ({ maxProbs, pseudoLabels, positions }) => {
      const effect = valueOfClass(classwiseAcc as tf.Tensor1D, pseudoLabels)
      // M(x) = x / (2 - x), applied before this step's records change
      const mask = tf.cast(tf.greaterEqual(maxProbs, tf.mul(tf.div(effect, tf.sub(2, effect)), threshold)), 'float32') as tf.Tensor1D
      recordConfident(selectedLabel, tf.greaterEqual(maxProbs, threshold), tf.cast(pseudoLabels, 'float32'), positions)
      classwiseAcc.assign(learningEffect(selectedLabel, classwiseAcc, threshWarmup))
      return mask
    }
  }
}

/** selected_label[position of each confident row] = its class, the rows in order. */
function recordConfident(selectedLabel: tf.Variable, confident: tf.Tensor, classes: tf.Tensor, positions: Int32Array): void {
  for (const rows of distinctRounds(positions)) {
    const at = Int32Array.from(rows, (row) => positions[row])
    const rowIndex = tf.tensor1d(rows, 'int32')
    const before = tf.gather(selectedLabel, tf.tensor1d(at, 'int32'))
    const after = tf.where(tf.gather(confident, rowIndex), tf.gather(classes, rowIndex), before)
    // positions within a round are distinct: adding the change is the assignment
    const change = tf.scatterND(tf.tensor2d(at, [at.length, 1], 'int32'), tf.sub(after, before), selectedLabel.shape)
    selectedLabel.assign(tf.add(selectedLabel, change))
  }
}

/**
 * sigma_c = count(selected == c) / the largest count (-1's included with warm-up),
 * left as it was while every image holds the same record (at the start: all -1).
 */
function learningEffect(selectedLabel: tf.Variable, previous: tf.Variable, threshWarmup: boolean): tf.Tensor1D {
  const classCount = previous.shape[0]
  const counts = tf.sum(tf.cast(tf.oneHot(tf.cast(tf.add(selectedLabel, 1), 'int32') as tf.Tensor1D, classCount + 1), 'float32'), 0)
  const perClass = tf.slice(counts, [1], [classCount])
  const largest = tf.max(threshWarmup ? counts : perClass)
  const next = tf.div(perClass, tf.maximum(largest, 1))
  const allSame = tf.cast(tf.equal(tf.max(counts), selectedLabel.shape[0]), 'float32')
  return tf.add(tf.mul(previous, allSame), tf.mul(next, tf.sub(1, allSame))) as tf.Tensor1D
}
