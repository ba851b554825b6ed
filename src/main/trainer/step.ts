// One training step, read top to bottom like FixMatch's Algorithm 1: the
// labeled batch and both unlabeled views in ONE forward (BN sees the whole
// concatenation), the supervised loss, the masked pseudo-label loss, the
// variant's contrastive term, one SGD update, one EMA update.
import * as tf from '@tensorflow/tfjs-core'
import type { RunConfig } from '../../shared/config.ts'
import type { Classifier } from './models/types.ts'
import { crossEntropy, fixmatchConsistency, simclrInfoNce, simclrPairwise } from './losses.ts'
import { ExponentialMovingAverage, Sgd } from './optim.ts'

/** One step's inputs, already augmented and normalised (NHWC float). */
export interface TrainBatch {
  labeledImages: Float32Array
  labels: Int32Array
  /** mu*B weak and strong views of the same unlabeled images (empty for S) */
  weakImages: Float32Array
  strongImages: Float32Array
  /** true labels of the unlabeled images, -1 where unknown: only for pseudo-label accuracy */
  unlabeledTrueLabels: Int32Array
  /** variant L: two SimCLR views of [labeled, weak, strong], view 1 then view 2 */
  simclrViews?: Float32Array
}

export interface StepMetrics {
  loss: number
  lossLabeled: number
  lossUnlabeled: number
  lossContrastive: number
  maskRate: number
  /** accuracy of the pseudo-labels that passed the threshold; NaN when none did */
  pseudoLabelAccuracy: number
}

/**
 * A step's results, still on the device: reading them stalls a GPU, so the
 * loop reads the loss (to keep at most two steps in flight) and the metrics
 * only at logEvery (see StepMetricsQueue in loop.ts).
 */
export interface StepOutputs {
  loss: tf.Scalar
  /** [loss, lossLabeled, lossUnlabeled, lossContrastive, maskRate, pseudo-labels kept, of those correct] */
  metrics: tf.Tensor1D
}

/** The row a StepOutputs.metrics vector holds, as the host-side metrics. */
export function stepMetricsOf(row: ArrayLike<number>): StepMetrics {
  const [loss, lossLabeled, lossUnlabeled, lossContrastive, maskRate, kept, correct] = Array.from(row)
  return { loss, lossLabeled, lossUnlabeled, lossContrastive, maskRate, pseudoLabelAccuracy: kept > 0 ? correct / kept : NaN }
}

export const STEP_METRICS_WIDTH = 7

export interface TrainerParts {
  model: Classifier
  sgd: Sgd
  ema?: ExponentialMovingAverage
  config: RunConfig
  imageShape: [number, number, number]
}

export function trainStep(parts: TrainerParts, batch: TrainBatch, lr: number): StepOutputs {
  const { model, sgd, ema, config, imageShape } = parts
  const b = batch.labels.length
  const u = batch.unlabeledTrueLabels.length
  const variables = [...model.params.values()]
  const paramName = new Map([...model.params].map(([name, v]) => [v.name, name]))
  let outputs: StepOutputs | undefined

  tf.tidy(() => {
    const images = (data: Float32Array, count: number) => tf.tensor4d(data, [count, ...imageShape])
    const { grads } = tf.variableGrads(() => {
      const batchImages =
        config.variant === 'S' ? images(batch.labeledImages, b) : tf.concat([images(batch.labeledImages, b), images(batch.weakImages, u), images(batch.strongImages, u)])
      const logits = model.apply(batchImages as tf.Tensor4D, true)
      const labeledLogits = tf.slice(logits, [0, 0], [b, -1]) as tf.Tensor2D
      const lossLabeled = crossEntropy(labeledLogits, tf.tensor1d(batch.labels, 'int32'))
      let lossUnlabeled = tf.scalar(0)
      let lossContrastive = tf.scalar(0)
      let maskRate = tf.scalar(0)
      let pseudoKept = tf.scalar(0)
      let pseudoCorrect = tf.scalar(0)
      let loss: tf.Scalar = lossLabeled

      if (config.variant !== 'S') {
        const weakLogits = tf.slice(logits, [b, 0], [u, -1]) as tf.Tensor2D
        const strongLogits = tf.slice(logits, [b + u, 0], [u, -1]) as tf.Tensor2D
        const consistency = fixmatchConsistency(weakLogits, strongLogits, config.threshold)
        lossUnlabeled = consistency.loss
        maskRate = consistency.maskRate
        // Pseudo-label accuracy on the device: counted over the kept rows whose true label is known.
        const truth = tf.tensor1d(batch.unlabeledTrueLabels, 'int32')
        const counted = tf.mul(consistency.mask, tf.cast(tf.greaterEqual(truth, 0), 'float32'))
        pseudoKept = tf.sum(counted)
        pseudoCorrect = tf.sum(tf.mul(counted, tf.cast(tf.equal(tf.cast(consistency.pseudoLabels, 'int32'), truth), 'float32')))

        if (config.variant === 'O') {
          loss = tf.add(lossLabeled, tf.mul(lossUnlabeled, config.lambdaU))
        } else if (config.variant === 'L') {
          // The extra forward over two SimCLR views of the whole batch.
          if (!batch.simclrViews) throw new Error('variant L needs SimCLR views in the batch')
          const views = images(batch.simclrViews, 2 * (b + 2 * u))
          lossContrastive = simclrInfoNce(model.apply(views, true), config.temperature)
          loss = tf.add(tf.add(lossLabeled, tf.mul(lossUnlabeled, config.lambdaU)), lossContrastive)
        } else {
          lossContrastive = simclrPairwise(weakLogits, strongLogits, config.temperature, config.variant === 'U' ? 'seed' : 'positive')
          loss = tf.add(lossLabeled, tf.mul(tf.add(lossUnlabeled, lossContrastive), config.lambdaU))
        }
      }
      outputs = {
        loss: tf.keep(tf.clone(loss)),
        metrics: tf.keep(tf.stack([loss, lossLabeled, lossUnlabeled, lossContrastive, maskRate, pseudoKept, pseudoCorrect]) as tf.Tensor1D)
      }
      return loss
    }, variables)

    const named: Record<string, tf.Tensor> = {}
    for (const [varName, grad] of Object.entries(grads)) named[paramName.get(varName)!] = grad
    sgd.step(named, lr)
  })
  ema?.update()
  return outputs!
}
