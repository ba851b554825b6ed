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
  return pseudoLabelConsistency(
    weakLogits,
    strongLogits,
    fixedThreshold(threshold),
    new Int32Array(weakLogits.shape[0]).map((_, i) => i)
  )
}

/** The pseudo-label loss with any masking policy: the mask decides which rows count; positions: the rows' places in the unlabeled pool. */
export function pseudoLabelConsistency(weakLogits: tf.Tensor2D, strongLogits: tf.Tensor2D, policy: MaskingPolicy, positions: Int32Array): ConsistencyResult {
  return tf.tidy(() => {
    const { probs, maxProbs, pseudoLabels } = weakPredictions(tf.softmax(stopGradient(weakLogits)))
    const mask = policy.mask({ probs, maxProbs, pseudoLabels, positions })
    const loss = tf.mean(tf.mul(rowCrossEntropy(strongLogits, pseudoLabels), mask)) as tf.Scalar
    return { loss, maskRate: tf.mean(mask) as tf.Scalar, mask, pseudoLabels }
  })
}

/** What a masking policy sees of the weak view's probabilities [u, C]: each row's largest one and its class (the hard pseudo-label). */
export function weakPredictions(probs: tf.Tensor2D): { probs: tf.Tensor2D; maxProbs: tf.Tensor1D; pseudoLabels: tf.Tensor1D } {
  return { probs, maxProbs: tf.max(probs, 1) as tf.Tensor1D, pseudoLabels: tf.argMax(probs, 1) as tf.Tensor1D }
}

/** x / sum(x) over a vector x >= 0; a zero vector stays zero and its gradient finite (it divides by 1). */
function normalise(x: tf.Tensor1D): tf.Tensor1D {
  const sum = tf.sum(x)
  return tf.div(x, tf.add(sum, tf.sub(1, tf.sign(sum)))) as tf.Tensor1D
}

/** 1 / x for x >= 0, with 1/0 taken as 0 (USB's replace_inf_to_zero) and no Inf made on the way. */
function reciprocalOrZero(x: tf.Tensor1D): tf.Tensor1D {
  // sign, not greater: the tape needs a gradient for every op on the path, even a zero one
  const positive = tf.sign(x)
  return tf.mul(tf.div(1, tf.add(x, tf.sub(1, positive))), positive) as tf.Tensor1D
}

/**
 * FreeMatch's self-adaptive fairness loss, USB's entropy_loss with its sign:
 * over the rows with mask 1, q = softmax(strong); a = normalise(pModel / labelHist),
 * b = normalise(mean(q) / histogram(argmax q)), both scalers detached; the loss is
 * sum_c a_c * log(b_c + logEps), 0 when no row is masked. The gradient flows through q only.
 */
export function freematchFairness(strongLogits: tf.Tensor2D, mask: tf.Tensor1D, pModel: tf.Tensor1D, labelHist: tf.Tensor1D, logEps = 1e-12): tf.Scalar {
  return tf.tidy(() => {
    const classes = strongLogits.shape[1]
    const rows = tf.reshape(mask, [-1, 1])
    const kept = tf.sum(mask)
    const perRow = tf.maximum(kept, 1)
    const q = tf.softmax(strongLogits)
    const meanQ = tf.div(tf.sum(tf.mul(q, rows), 0), perRow) as tf.Tensor1D
    const predicted = tf.oneHot(tf.argMax(stopGradient(q), 1) as tf.Tensor1D, classes)
    const histogram = tf.div(tf.sum(tf.mul(tf.cast(predicted, 'float32'), rows), 0), perRow) as tf.Tensor1D
    const a = normalise(tf.mul(pModel, reciprocalOrZero(labelHist)) as tf.Tensor1D)
    const b = normalise(tf.mul(meanQ, stopGradient(reciprocalOrZero(histogram))) as tf.Tensor1D)
    const loss = tf.sum(tf.mul(stopGradient(a), tf.log(tf.add(b, logEps))))
    return tf.mul(loss, tf.sign(kept)) as tf.Scalar
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
