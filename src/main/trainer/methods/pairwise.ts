// What U and U+ share: FixMatch plus a pairwise contrastive loss between the
// weak and strong unlabeled logits, both terms scaled by lambdaU. They differ
// only in the target each row of the similarity matrix gets.
import * as tf from '@tensorflow/tfjs-core'
import type { MethodDescriptor } from '../../../shared/methods/index.ts'
import { simclrPairwise, type PairwiseTarget } from '../losses.ts'
import { fixedThreshold } from './masking/fixed-threshold.ts'
import { PSEUDO_LABEL_METRICS, pseudoLabelMetrics, pseudoLabelTerm } from './pseudo-label-term.ts'
import type { SslMethod } from './types.ts'

export function pairwiseContrastive(descriptor: MethodDescriptor, target: PairwiseTarget): SslMethod {
  return {
    descriptor,
    deviceMetrics: PSEUDO_LABEL_METRICS,
    metricsOf: pseudoLabelMetrics,
    createState: () => undefined,
    step(inputs) {
      const { config } = inputs
      const { weakLogits, strongLogits, lossUnlabeled, metrics, pseudoLabelCounts } = pseudoLabelTerm(inputs, fixedThreshold(config.threshold))
      const lossContrastive = simclrPairwise(weakLogits, strongLogits, config.temperature, target)
      const loss = tf.add(inputs.lossLabeled, tf.mul(tf.add(lossUnlabeled, lossContrastive), config.lambdaU)) as tf.Scalar
      return { loss, lossUnlabeled, lossContrastive, metrics, pseudoLabelCounts }
    }
  }
}
