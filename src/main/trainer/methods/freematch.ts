// FreeMatch: FixMatch's loss with the self-adaptive mask (masking/freematch-threshold.ts)
// plus the fairness loss weighted by entLossRatio; time_p, p_model and label_hist
// are the run's method state.
import * as tf from '@tensorflow/tfjs-core'
import { freematch as descriptor } from '../../../shared/methods/freematch.ts'
import { freematchFairness } from '../losses.ts'
import { createFreeMatchState, freeMatchThreshold, type FreeMatchState } from './masking/freematch-threshold.ts'
import { PSEUDO_LABEL_METRICS, pseudoLabelMetrics, pseudoLabelTerm } from './pseudo-label-term.ts'
import type { MethodState, SslMethod } from './types.ts'
import { variableState } from './variable-state.ts'

type State = MethodState & FreeMatchState

export const freematch: SslMethod = {
  descriptor,
  deviceMetrics: [...PSEUDO_LABEL_METRICS, 'globalThreshold', 'lossFairness'],
  metricsOf: (values) => ({ ...pseudoLabelMetrics(Array.from(values).slice(0, 3)), globalThreshold: values[3], lossFairness: values[4] }),
  createState({ numClasses }) {
    const state = createFreeMatchState(numClasses)
    return {
      ...variableState(
        new Map([
          ['timeP', state.timeP],
          ['pModel', state.pModel],
          ['labelHist', state.labelHist]
        ])
      ),
      ...state
    } satisfies State
  },
  step(inputs, state) {
    const { config } = inputs
    const held = state as State
    const { strongLogits, lossUnlabeled, mask, metrics, pseudoLabelCounts } = pseudoLabelTerm(inputs, freeMatchThreshold(held, config.emaP))
    // after the mask: the state this step's mask used (USB's entropy_loss reads the updated p_model and label_hist)
    const globalThreshold = tf.clone(held.timeP) as tf.Scalar
    const lossFairness = freematchFairness(strongLogits, mask, held.pModel as tf.Tensor1D, held.labelHist as tf.Tensor1D)
    const loss = tf.addN([inputs.lossLabeled, tf.mul(lossUnlabeled, config.lambdaU), tf.mul(lossFairness, config.entLossRatio)]) as tf.Scalar
    return { loss, lossUnlabeled, lossContrastive: tf.scalar(0), metrics: [...metrics, globalThreshold, lossFairness], pseudoLabelCounts }
  }
}
