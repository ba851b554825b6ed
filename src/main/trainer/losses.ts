// The losses of FixMatch and its SimCLR variants, in tfjs-core ops so that
// tf.variableGrads differentiates them. Each matches a fixture kind.
import * as tf from '@tensorflow/tfjs-core'
import { fixedThreshold } from './methods/masking/fixed-threshold.ts'
import type { MaskingPolicy } from './methods/masking/types.ts'

/** Identity whose gradient is zero: PyTorch's .detach(). */
export const stopGradient = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy)
})) as unknown as Parameters<typeof tf.customGrad>[0]) as <T extends tf.Tensor>(x: T) => T

/** Mean softmax cross-entropy of logits [N,C] against integer labels [N]. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(rowCrossEntropy(logits, labels)))
}

/** Per-row cross-entropy (no reduction). */
function rowCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  // One column is a certain prediction: zero loss, kept connected for gradients.
  if (logits.shape[1] === 1) return tf.mul(tf.sum(logits, 1), 0) as tf.Tensor1D
  const logProbs = tf.logSoftmax(logits)
  const oneHot = tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1])
  return tf.neg(tf.sum(tf.mul(oneHot, logProbs), 1)) as tf.Tensor1D
}

export interface ConsistencyResult {
  /** mean over ALL unlabeled rows of mask * CE(strong, pseudo-label) */
  loss: tf.Scalar
  /** share of rows whose weak max-probability reached the threshold */
  maskRate: tf.Scalar
  /** [N] float 0/1, for metrics such as pseudo-label accuracy */
  mask: tf.Tensor1D
  pseudoLabels: tf.Tensor1D
}

/**
 * FixMatch's unlabeled loss: hard pseudo-labels from the weak view (detached),
 * kept where their probability >= threshold, cross-entropy on the strong view.
 */
export function fixmatchConsistency(weakLogits: tf.Tensor2D, strongLogits: tf.Tensor2D, threshold: number): ConsistencyResult {
  return pseudoLabelConsistency(weakLogits, strongLogits, fixedThreshold(threshold), new Int32Array(weakLogits.shape[0]).map((_, i) => i))
}

/** The pseudo-label loss with any masking policy: the mask decides which rows count; positions: the rows' places in the unlabeled pool. */
export function pseudoLabelConsistency(weakLogits: tf.Tensor2D, strongLogits: tf.Tensor2D, policy: MaskingPolicy, positions: Int32Array): ConsistencyResult {
  return tf.tidy(() => {
    const weakProbs = tf.softmax(stopGradient(weakLogits))
    const maxProbs = tf.max(weakProbs, 1) as tf.Tensor1D
    const pseudoLabels = tf.argMax(weakProbs, 1) as tf.Tensor1D
    const mask = policy.mask({ maxProbs, pseudoLabels, positions })
    const loss = tf.mean(tf.mul(rowCrossEntropy(strongLogits, pseudoLabels), mask)) as tf.Scalar
    return { loss, maskRate: tf.mean(mask) as tf.Scalar, mask, pseudoLabels }
  })
}

/** Row-wise L2 normalisation, as torch.nn.functional.normalize (eps 1e-12). */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.sum(tf.square(x), 1, true))
    return tf.div(x, tf.maximum(norm, 1e-12))
  })
}

/**
 * SimCLR's NT-Xent (info-NCE) over 2N rows, where rows i and i+N are two
 * views of one image: each row's positive is its partner, every other row a
 * negative, the row itself excluded. Mean over the 2N anchors.
 */
export function simclrInfoNce(features: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const rows = features.shape[0]
    if (rows % 2 !== 0) throw new Error(`info-NCE needs an even number of rows (two views), got ${rows}`)
    const half = rows / 2
    const z = l2Normalize(features)
    const similarity = tf.div(tf.matMul(z, z, false, true), temperature)
    // A large negative on the diagonal removes self-similarity from the softmax.
    const selfMask = tf.mul(tf.eye(rows), -1e9)
    const logits = tf.add(similarity, selfMask) as tf.Tensor2D
    const partner = Array.from({ length: rows }, (_, i) => (i + half) % rows)
    return crossEntropy(logits, tf.tensor1d(partner, 'int32'))
  })
}

export type PairwiseTarget = 'seed' | 'positive'

/**
 * Variant U's loss between the unlabeled weak and strong logits. Row i's
 * logits are [sim(w_i,s_i), sim(w_i,s_j) for j != i in order] / T.
 * 'positive': every row targets column 0, its own positive.
 * 'seed': the study's code targets column i (arange(N)): for row 0 that is the
 * positive, for row i>0 it is the negative s_{i-1}. Cross-entropy does not care
 * about column order, so we use the plain similarity row and map the target.
 */
export function simclrPairwise(weak: tf.Tensor2D, strong: tf.Tensor2D, temperature: number, target: PairwiseTarget): tf.Scalar {
  return tf.tidy(() => {
    const n = weak.shape[0]
    const similarity = tf.div(tf.matMul(l2Normalize(weak), l2Normalize(strong), false, true), temperature) as tf.Tensor2D
    const targets = Array.from({ length: n }, (_, i) => (target === 'positive' ? i : Math.max(0, i - 1)))
    return crossEntropy(similarity, tf.tensor1d(targets, 'int32'))
  })
}
