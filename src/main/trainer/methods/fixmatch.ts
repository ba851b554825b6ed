// O: FixMatch. L = CE(labeled) + lambdaU * Lu, masked by a fixed threshold.
import * as tf from '@tensorflow/tfjs-core'
import { fixmatch as descriptor } from '../../../shared/methods/fixmatch.ts'
import { fixedThreshold } from './masking/fixed-threshold.ts'
import { PSEUDO_LABEL_METRICS, pseudoLabelMetrics, pseudoLabelTerm } from './pseudo-label-term.ts'
import type { SslMethod } from './types.ts'

export const fixmatch: SslMethod = {
  descriptor,
  deviceMetrics: PSEUDO_LABEL_METRICS,
  metricsOf: pseudoLabelMetrics,
  createState: () => undefined,
  step(inputs) {
    const { lossUnlabeled, metrics, pseudoLabelCounts } = pseudoLabelTerm(inputs, fixedThreshold(inputs.config.threshold))
    const loss = tf.add(inputs.lossLabeled, tf.mul(lossUnlabeled, inputs.config.lambdaU)) as tf.Scalar
    return { loss, lossUnlabeled, lossContrastive: tf.scalar(0), metrics, pseudoLabelCounts }
  }
}
