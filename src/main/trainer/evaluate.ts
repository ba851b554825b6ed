// Top-1, top-5 and loss of a model on a labeled image set, in eval mode
// (BN running statistics), batch by batch; in the same pass the confusion
// matrix and a few of the misclassified images.
import * as tf from '@tensorflow/tfjs-core'
import type { ImageSet } from '../data/types.ts'
import type { Classifier } from './models/types.ts'
import { normalizeImages, type Normalization } from './data/normalize.ts'
import { readOrFault } from './gpu-guard.ts'
import { countPrediction, emptyConfusion, type ConfusionMatrix } from '../../shared/diagnostics/confusion.ts'

export interface EvalResult {
  top1: number
  top5: number
  loss: number
  count: number
}

/** A test image the model got wrong: its index in the set, the predicted class and the true one. */
export interface Misclassified {
  index: number
  predicted: number
  label: number
}

export interface Evaluation {
  result: EvalResult
  confusion: ConfusionMatrix
  /** at most MISCLASSIFIED_KEPT, spread evenly over all the wrong ones in evaluation order */
  misclassified: Misclassified[]
}

export const MISCLASSIFIED_KEPT = 8

export async function evaluate(
  model: Classifier,
  set: ImageSet,
  imageShape: [number, number, number],
  normalization: Normalization,
  options: { batchSize: number; limit?: number }
): Promise<Evaluation> {
  const pixels = imageShape[0] * imageShape[1] * imageShape[2]
  const count = options.limit ? Math.min(options.limit, set.count) : set.count
  // A limit takes images spread evenly over the set: test sets are often stored class by class.
  const pick = (i: number) => (count === set.count ? i : Math.floor((i * set.count) / count))
  const k = Math.min(5, model.numClasses)
  let correct1 = 0
  let correct5 = 0
  let lossSum = 0
  const confusion = emptyConfusion(model.numClasses)
  const wrong: Misclassified[] = []
  for (let start = 0; start < count; start += options.batchSize) {
    const n = Math.min(options.batchSize, count - start)
    const pixelsOf = new Uint8Array(n * pixels)
    const labels = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      const index = pick(start + i)
      pixelsOf.set(set.images.subarray(index * pixels, (index + 1) * pixels), i * pixels)
      labels[i] = set.labels[index]
    }
    const input = normalizeImages(pixelsOf, imageShape[2], normalization)
    const [top, rowLoss] = tf.tidy(() => {
      const logits = model.apply(tf.tensor4d(input, [n, ...imageShape]), false)
      const logProbs = tf.logSoftmax(logits)
      const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), model.numClasses)
      return [tf.topk(logits, k).indices, tf.neg(tf.sum(tf.mul(oneHot, logProbs), 1))]
    })
    // awaited reads: a GPU backend cannot read synchronously
    let topIndices: Int32Array
    let losses: Float32Array
    try {
      topIndices = (await readOrFault(top)) as Int32Array
      losses = (await readOrFault(rowLoss)) as Float32Array
    } finally {
      top.dispose()
      rowLoss.dispose()
    }
    for (let i = 0; i < n; i++) {
      lossSum += losses[i]
      const predicted = topIndices[i * k]
      countPrediction(confusion, labels[i], predicted)
      if (predicted !== labels[i]) wrong.push({ index: pick(start + i), predicted, label: labels[i] })
      for (let j = 0; j < k; j++) {
        if (topIndices[i * k + j] === labels[i]) {
          if (j === 0) correct1++
          correct5++
          break
        }
      }
    }
  }
  return {
    result: { top1: (100 * correct1) / count, top5: (100 * correct5) / count, loss: lossSum / count, count },
    confusion,
    misclassified: spread(wrong, MISCLASSIFIED_KEPT)
  }
}

/** At most `keep` items taken evenly over the list (test sets are often stored class by class). */
export function spread<T>(items: readonly T[], keep: number): T[] {
  if (items.length <= keep) return [...items]
  return Array.from({ length: keep }, (_, i) => items[Math.floor((i * items.length) / keep)])
}

/** Copies variable values by name, e.g. the EMA shadows into the evaluation model. */
export function copyVariables(from: Map<string, tf.Tensor>, to: Map<string, tf.Variable>): void {
  tf.tidy(() => {
    for (const [name, target] of to) {
      const source = from.get(name)
      if (!source) throw new Error(`no value for ${name}`)
      target.assign(tf.clone(source))
    }
  })
}
