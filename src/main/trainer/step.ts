// One training step, read top to bottom like FixMatch's Algorithm 1: the
// labeled batch and the unlabeled views in ONE forward, the supervised loss,
// then one call into the run's SSL method (methods/) for its unlabeled and
// extra terms and its metrics.
import * as tf from '@tensorflow/tfjs-core'
import type { RunConfig } from '../../shared/config.ts'
import type { Classifier } from './models/types.ts'
import { crossEntropy } from './losses.ts'
import type { MethodState, SslMethod } from './methods/types.ts'
import { ExponentialMovingAverage, Sgd } from './optim.ts'

/** One step's inputs, already augmented and normalised (NHWC float). */
export interface TrainBatch {
  labeledImages: Float32Array
  labels: Int32Array
  /** mu*B weak and strong views of the same unlabeled images (empty for a method without unlabeled views) */
  weakImages: Float32Array
  strongImages: Float32Array
  /** where each unlabeled image sits in the run's unlabeled pool (0..U-1), for methods with per-image state */
  unlabeledPositions: Int32Array
  /** true labels of the unlabeled images, -1 where unknown: only for pseudo-label accuracy */
  unlabeledTrueLabels: Int32Array
  /** for methods with views.simclr: two SimCLR views of [labeled, weak, strong], view 1 then view 2 */
  simclrViews?: Float32Array
}

/**
 * A step's results, still on the device: reading them stalls a GPU, so the
 * loop reads the loss (to keep at most two steps in flight) and the metrics
 * only at logEvery (see StepMetricsQueue in loop.ts).
 */
export interface StepOutputs {
  loss: tf.Scalar
  /** [loss, lossLabeled, lossUnlabeled, lossContrastive, ...the method's deviceMetrics] */
  metrics: tf.Tensor1D
  /** [2, C] per class pseudo-labels made and kept, for a method with pseudo-labels (MethodStepOutputs.pseudoLabelCounts) */
  pseudoLabelCounts?: tf.Tensor2D
}

const COMMON_METRICS = ['loss', 'lossLabeled', 'lossUnlabeled', 'lossContrastive'] as const

/** Values in a StepOutputs.metrics row of this method. */
export function stepMetricsWidth(method: SslMethod): number {
  return COMMON_METRICS.length + method.deviceMetrics.length
}

/** The row a StepOutputs.metrics vector holds, as the host-side metrics. */
export function stepMetricsOf(method: SslMethod, row: ArrayLike<number>): Record<string, number> {
  const values = Array.from(row)
  const common = Object.fromEntries(COMMON_METRICS.map((name, i) => [name, values[i]]))
  return { ...common, ...method.metricsOf(values.slice(COMMON_METRICS.length)) }
}

export interface TrainerParts {
  model: Classifier
  sgd: Sgd
  ema?: ExponentialMovingAverage
  config: RunConfig
  imageShape: [number, number, number]
  method: SslMethod
  methodState?: MethodState
}

/**
 * Algorithm 1: one forward over the labeled batch and the method's unlabeled
 * views together (BN sees the whole concatenation), the supervised loss, the
 * method's terms, one SGD update, one EMA update.
 */
export function trainStep(parts: TrainerParts, batch: TrainBatch, lr: number): StepOutputs {
  const { model, sgd, ema, config, imageShape, method, methodState } = parts
  const b = batch.labels.length
  const u = batch.unlabeledTrueLabels.length
  const variables = [...model.params.values()]
  const paramName = new Map([...model.params].map(([name, v]) => [v.name, name]))
  let outputs: StepOutputs | undefined

  tf.tidy(() => {
    const images = (data: Float32Array, count: number) => tf.tensor4d(data, [count, ...imageShape])
    const { grads } = tf.variableGrads(() => {
      const batchImages = !method.descriptor.views.unlabeled
        ? images(batch.labeledImages, b)
        : tf.concat([images(batch.labeledImages, b), images(batch.weakImages, u), images(batch.strongImages, u)])
      const logits = model.apply(batchImages as tf.Tensor4D, true)
      const labeledLogits = tf.slice(logits, [0, 0], [b, -1]) as tf.Tensor2D
      const lossLabeled = crossEntropy(labeledLogits, tf.tensor1d(batch.labels, 'int32'))
      const terms = method.step(
        { config, batch, logits, labeledCount: b, unlabeledCount: u, lossLabeled, forward: (data, count) => model.apply(images(data, count), true) },
        methodState
      )
      outputs = {
        loss: tf.keep(tf.clone(terms.loss)),
        metrics: tf.keep(tf.stack([terms.loss, lossLabeled, terms.lossUnlabeled, terms.lossContrastive, ...terms.metrics]) as tf.Tensor1D),
        ...(terms.pseudoLabelCounts ? { pseudoLabelCounts: tf.keep(terms.pseudoLabelCounts) } : {})
      }
      return terms.loss
    }, variables)

    const named: Record<string, tf.Tensor> = {}
    for (const [varName, grad] of Object.entries(grads)) named[paramName.get(varName)!] = grad
    sgd.step(named, lr)
  })
  ema?.update()
  return outputs!
}
