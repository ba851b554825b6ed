// L: FixMatch plus info-NCE over two SimCLR views of the whole batch, in a
// second forward; the contrastive term is added UNWEIGHTED, as the study did.
import * as tf from '@tensorflow/tfjs-core'
import { simclrBatch as descriptor } from '../../../shared/methods/simclr-batch.ts'
import { simclrInfoNce } from '../losses.ts'
import { fixedThreshold } from './masking/fixed-threshold.ts'
import { PSEUDO_LABEL_METRICS, pseudoLabelMetrics, pseudoLabelTerm } from './pseudo-label-term.ts'
import type { SslMethod } from './types.ts'

export const simclrBatch: SslMethod = {
  descriptor,
  deviceMetrics: PSEUDO_LABEL_METRICS,
  metricsOf: pseudoLabelMetrics,
  createState: () => undefined,
  step(inputs) {
    const { config, batch, labeledCount: b, unlabeledCount: u } = inputs
    const { lossUnlabeled, metrics, pseudoLabelCounts } = pseudoLabelTerm(inputs, fixedThreshold(config.threshold))
    if (!batch.simclrViews) throw new Error(`variant ${descriptor.name} needs SimCLR views in the batch`)
    const lossContrastive = simclrInfoNce(inputs.forward(batch.simclrViews, 2 * (b + 2 * u)), config.temperature)
    const loss = tf.add(tf.add(inputs.lossLabeled, tf.mul(lossUnlabeled, config.lambdaU)), lossContrastive) as tf.Scalar
    return { loss, lossUnlabeled, lossContrastive, metrics, pseudoLabelCounts }
  }
}
