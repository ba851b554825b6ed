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

export interface TrainerParts {
  model: Classifier
  sgd: Sgd
  ema?: ExponentialMovingAverage
  config: RunConfig
  imageShape: [number, number, number]
}

export function trainStep(parts: TrainerParts, batch: TrainBatch, lr: number): StepMetrics {
  const { model, sgd, ema, config, imageShape } = parts
  const b = batch.labels.length
  const u = batch.unlabeledTrueLabels.length
  const variables = [...model.params.values()]
  const paramName = new Map([...model.params].map(([name, v]) => [v.name, name]))
  let parts6: tf.Tensor | undefined
  let pseudo: { mask: tf.Tensor; labels: tf.Tensor } | undefined

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
      let loss: tf.Scalar = lossLabeled

      if (config.variant !== 'S') {
        const weakLogits = tf.slice(logits, [b, 0], [u, -1]) as tf.Tensor2D
        const strongLogits = tf.slice(logits, [b + u, 0], [u, -1]) as tf.Tensor2D
        const consistency = fixmatchConsistency(weakLogits, strongLogits, config.threshold)
        lossUnlabeled = consistency.loss
        maskRate = consistency.maskRate
        pseudo = { mask: tf.keep(consistency.mask), labels: tf.keep(consistency.pseudoLabels) }

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
      parts6 = tf.keep(tf.stack([loss, lossLabeled, lossUnlabeled, lossContrastive, maskRate]))
      return loss
    }, variables)

    const named: Record<string, tf.Tensor> = {}
    for (const [varName, grad] of Object.entries(grads)) named[paramName.get(varName)!] = grad
    sgd.step(named, lr)
  })
  ema?.update()

  const [loss, lossLabeled, lossUnlabeled, lossContrastive, maskRate] = parts6!.dataSync()
  parts6!.dispose()
  let pseudoLabelAccuracy = NaN
  if (pseudo) {
    const mask = pseudo.mask.dataSync()
    const labels = pseudo.labels.dataSync()
    let kept = 0
    let correct = 0
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] > 0 && batch.unlabeledTrueLabels[i] >= 0) {
        kept++
        if (labels[i] === batch.unlabeledTrueLabels[i]) correct++
      }
    }
    if (kept > 0) pseudoLabelAccuracy = correct / kept
    pseudo.mask.dispose()
    pseudo.labels.dispose()
  }
  return { loss, lossLabeled, lossUnlabeled, lossContrastive, maskRate, pseudoLabelAccuracy }
}
