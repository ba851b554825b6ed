// A method with state, for the loop's tests (none of the registry's five has
// any): FixMatch whose threshold is an EMA of the batches' mean confidence,
// updated before the mask (FreeMatch's global threshold), and a per-image count
// of kept pseudo-labels indexed by the unlabeled pool positions (FlexMatch's
// per-image record). Both change the run: a resume that lost them would differ.
import * as tf from '@tensorflow/tfjs-core'
import { fixmatch } from '../../src/main/trainer/methods/fixmatch.ts'
import { PSEUDO_LABEL_METRICS, pseudoLabelMetrics, pseudoLabelTerm } from '../../src/main/trainer/methods/pseudo-label-term.ts'
import { variableState } from '../../src/main/trainer/methods/variable-state.ts'
import type { MethodState, SslMethod } from '../../src/main/trainer/methods/index.ts'

interface AdaptiveState extends MethodState {
  threshold: tf.Variable
  keptPerImage: tf.Variable
}

export const statefulFixMatch: SslMethod = {
  descriptor: fixmatch.descriptor,
  deviceMetrics: [...PSEUDO_LABEL_METRICS, 'threshold'],
  metricsOf: (values) => ({ ...pseudoLabelMetrics(Array.from(values).slice(0, 3)), threshold: values[3] }),
  createState({ numClasses, unlabeledCount }) {
    const threshold = tf.variable(tf.scalar(1 / numClasses), false, 'test/threshold')
    const keptPerImage = tf.variable(tf.zeros([unlabeledCount]), false, 'test/keptPerImage')
    const state = variableState(
      new Map([
        ['threshold', threshold],
        ['keptPerImage', keptPerImage]
      ])
    )
    return { ...state, threshold, keptPerImage } satisfies AdaptiveState
  },
  step(inputs, state) {
    const { threshold, keptPerImage } = state as AdaptiveState
    const { lossUnlabeled, metrics } = pseudoLabelTerm(inputs, {
      mask: ({ maxProbs, positions }) => {
        threshold.assign(tf.add(tf.mul(threshold, 0.5), tf.mul(tf.mean(maxProbs), 0.5)) as tf.Scalar)
        const mask = tf.cast(tf.greaterEqual(maxProbs, threshold), 'float32') as tf.Tensor1D
        const at = tf.tensor2d(positions, [positions.length, 1], 'int32')
        keptPerImage.assign(tf.add(keptPerImage, tf.scatterND(at, mask, keptPerImage.shape)))
        return mask
      }
    })
    const loss = tf.add(inputs.lossLabeled, tf.mul(lossUnlabeled, inputs.config.lambdaU)) as tf.Scalar
    return { loss, lossUnlabeled, lossContrastive: tf.scalar(0), metrics: [...metrics, tf.clone(threshold) as tf.Scalar] }
  }
}
