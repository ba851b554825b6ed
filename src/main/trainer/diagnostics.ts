// The run's SSL diagnostics at each evaluation, beside top-1: the confusion
// matrix and misclassified test images (from evaluate's own pass), the
// per-class pseudo-label counts since the last evaluation (summed on the
// device, read once here), and a few unlabeled images with the pseudo-label
// the evaluated model gives them.
import * as tf from '@tensorflow/tfjs-core'
import type { ConfusionMatrix } from '../../shared/diagnostics/confusion.ts'
import type { ImagePool } from './data/batch-job.ts'
import { normalizeImages, type Normalization } from './data/normalize.ts'
import type { Misclassified } from './evaluate.ts'
import { spread } from './evaluate.ts'
import { readOrFault } from './gpu-guard.ts'
import type { Classifier } from './models/types.ts'

/** Per class, over `steps` training steps: the unlabeled rows with that pseudo-label, and those the mask kept. */
export interface PseudoLabelCounts {
  steps: number
  histogram: number[]
  passed: number[]
}

/** An unlabeled image (its index in the training pool) with the evaluated model's pseudo-label; label -1 where the true one is unknown. */
export interface UnlabeledSample {
  index: number
  pseudoLabel: number
  confidence: number
  label: number
}

export interface EvalDiagnostics {
  confusion: ConfusionMatrix
  misclassified: Misclassified[]
  /** undefined for a method without pseudo-labels */
  pseudoLabels?: PseudoLabelCounts
  unlabeled: UnlabeledSample[]
}

/** Images of the unlabeled pool the model is asked about at each evaluation (the same ones every time). */
export const UNLABELED_PROBE = 64
/** Kept per group: right and wrong pseudo-labels (or, where no true label is known, the unknown ones). */
export const UNLABELED_KEPT = 6

/**
 * The steps' [2, C] pseudo-label counts added up on the device (no read per
 * step: that would stall a GPU); take() reads them once and starts again.
 */
export class PseudoLabelTally {
  private total: tf.Variable | undefined
  private steps = 0

  add(counts: tf.Tensor2D): void {
    const total = this.total
    if (!total) this.total = tf.variable(counts, false)
    else tf.tidy(() => total.assign(tf.add(total, counts)))
    counts.dispose()
    this.steps++
  }

  /** The counts since the last take (undefined when no step reported any), then zero. */
  async take(): Promise<PseudoLabelCounts | undefined> {
    const total = this.total
    if (!total || this.steps === 0) return undefined
    const steps = this.steps
    this.steps = 0
    const values = (await readOrFault(total)) as Float32Array
    // zeroed in place, not disposed: the run keeps one tally variable, so the tensor count stays pinned
    tf.tidy(() => total.assign(tf.zerosLike(total)))
    const classes = total.shape[1]!
    // float sums of 0/1 counts are exact up to 2^24 per class
    return { steps, histogram: Array.from(values.subarray(0, classes), Math.round), passed: Array.from(values.subarray(classes), Math.round) }
  }

  dispose(): void {
    this.total?.dispose()
    this.total = undefined
  }
}

/** UNLABELED_PROBE images spread over the unlabeled pool, those with a known true label where there are any. */
export function probeIndices(pool: ImagePool, unlabeled: Int32Array): Int32Array {
  const known = Array.from(unlabeled).filter((index) => pool.labels[index] >= 0)
  return Int32Array.from(spread(known.length > 0 ? known : Array.from(unlabeled), UNLABELED_PROBE))
}

/**
 * The model's pseudo-label (argmax) and confidence (its probability) on the
 * probe images, unaugmented, in eval mode; kept: the most confident right ones
 * and the most confident wrong ones (or the most confident where the truth is unknown).
 */
export async function unlabeledSamples(model: Classifier, pool: ImagePool, indices: Int32Array, normalization: Normalization): Promise<UnlabeledSample[]> {
  if (indices.length === 0) return []
  const [height, width, channels] = pool.shape
  const pixels = height * width * channels
  const batch = new Uint8Array(indices.length * pixels)
  indices.forEach((index, i) => batch.set(pool.images.subarray(index * pixels, (index + 1) * pixels), i * pixels))
  const input = normalizeImages(batch, channels, normalization)
  const [best, labels] = tf.tidy(() => {
    const probs = tf.softmax(model.apply(tf.tensor4d(input, [indices.length, height, width, channels]), false))
    return [tf.max(probs, 1), tf.argMax(probs, 1)]
  })
  let confidences: Float32Array
  let predicted: Int32Array
  try {
    confidences = (await readOrFault(best)) as Float32Array
    predicted = (await readOrFault(labels)) as Int32Array
  } finally {
    best.dispose()
    labels.dispose()
  }
  const samples = Array.from(indices, (index, i) => ({ index, pseudoLabel: predicted[i], confidence: confidences[i], label: pool.labels[index] }))
  const mostConfident = (group: UnlabeledSample[]) => group.sort((a, b) => b.confidence - a.confidence).slice(0, UNLABELED_KEPT)
  return [
    ...mostConfident(samples.filter((s) => s.label >= 0 && s.pseudoLabel === s.label)),
    ...mostConfident(samples.filter((s) => s.label >= 0 && s.pseudoLabel !== s.label)),
    ...mostConfident(samples.filter((s) => s.label < 0))
  ]
}
