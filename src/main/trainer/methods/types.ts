// The trainer's side of an SSL method: what it adds to the supervised loss,
// the metrics it reports, and the state it carries from step to step (and
// through checkpoints). Its descriptor (name, keys, views) is in src/shared/methods.
import type * as tf from '@tensorflow/tfjs-core'
import type { RunConfig } from '../../../shared/config.ts'
import type { MethodDescriptor } from '../../../shared/methods/index.ts'
import type { TensorEntry } from '../../checkpoint/format.ts'
import type { TrainBatch } from '../step.ts'

/** What a method sees of one step, inside the step's gradient tape. */
export interface MethodStepInputs {
  config: RunConfig
  batch: TrainBatch
  /** logits of the step's one forward: [labeled B, weak u, strong u] (the weak and strong rows only where views.unlabeled) */
  logits: tf.Tensor2D
  labeledCount: number
  unlabeledCount: number
  lossLabeled: tf.Scalar
  /** a further training-mode forward of the model (L's SimCLR views), images NHWC in the run's shape */
  forward(images: Float32Array, count: number): tf.Tensor2D
}

export interface MethodStepOutputs {
  /** the step's total loss: lossLabeled combined with the method's terms as its formula says */
  loss: tf.Scalar
  /** recorded as lossUnlabeled and lossContrastive (a zero scalar where the method has no such term) */
  lossUnlabeled: tf.Scalar
  lossContrastive: tf.Scalar
  /** the method's own device values, one scalar per name in SslMethod.deviceMetrics */
  metrics: tf.Scalar[]
  /**
   * [2, C] for a method with pseudo-labels: per class the step's pseudo-labels (argmax of the weak view)
   * and of those the ones its mask keeps (PseudoLabelTerm.pseudoLabelCounts); left out by one without
   */
  pseudoLabelCounts?: tf.Tensor2D
}

/** A method's state across steps: on the device or the host, saved into and loaded from checkpoints. */
export interface MethodState {
  /** its values by name, read now (after the step in flight is done) */
  capture(): Promise<Record<string, TensorEntry>>
  /** takes the values a checkpoint holds; throws naming the entry that is missing or of the wrong shape */
  restore(entries: Record<string, TensorEntry>): void
  dispose(): void
}

export interface MethodSetup {
  config: RunConfig
  numClasses: number
  /** images in the unlabeled pool: TrainBatch.unlabeledPositions index 0..unlabeledCount-1 */
  unlabeledCount: number
}

export interface SslMethod {
  readonly descriptor: MethodDescriptor
  /** names of the device values step() returns in MethodStepOutputs.metrics, in order */
  readonly deviceMetrics: readonly string[]
  /** the metrics recorded from those values (e.g. a ratio of two counts; NaN is skipped by the window) */
  metricsOf(values: ArrayLike<number>): Record<string, number>
  /** its state for a run (undefined: none) */
  createState(setup: MethodSetup): MethodState | undefined
  step(inputs: MethodStepInputs, state: MethodState | undefined): MethodStepOutputs
}
