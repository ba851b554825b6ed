// FlexMatch: FixMatch's loss with the curriculum mask (masking/flexmatch-threshold.ts);
// its per-image records and per-class learning effects are the run's method state.
import * as tf from '@tensorflow/tfjs-core'
import { flexmatch as descriptor } from '../../../shared/methods/flexmatch.ts'
import { createFlexMatchState, flexMatchThreshold, type FlexMatchState } from './masking/flexmatch-threshold.ts'
import { PSEUDO_LABEL_METRICS, pseudoLabelMetrics, pseudoLabelTerm } from './pseudo-label-term.ts'
import type { MethodState, SslMethod } from './types.ts'
import { variableState } from './variable-state.ts'

type State = MethodState & FlexMatchState

export const flexmatch: SslMethod = {
  descriptor,
  deviceMetrics: [...PSEUDO_LABEL_METRICS, 'learningEffect'],
  metricsOf: (values) => ({ ...pseudoLabelMetrics(Array.from(values).slice(0, 3)), learningEffect: values[3] }),
  createState({ numClasses, unlabeledCount }) {
    const state = createFlexMatchState(numClasses, unlabeledCount)
    return {
      ...variableState(
        new Map([
          ['selectedLabel', state.selectedLabel],
          ['classwiseAcc', state.classwiseAcc]
        ])
      ),
      ...state
    } satisfies State
  },
  step(inputs, state) {
    const { config } = inputs
    const held = state as State
    // the mean effect the step's mask uses (read before the mask updates it)
    const learningEffect = tf.mean(held.classwiseAcc) as tf.Scalar
    const policy = flexMatchThreshold(held, { threshold: config.threshold, threshWarmup: config.threshWarmup })
    const { lossUnlabeled, metrics, pseudoLabelCounts } = pseudoLabelTerm(inputs, policy)
    const loss = tf.add(inputs.lossLabeled, tf.mul(lossUnlabeled, config.lambdaU)) as tf.Scalar
    return { loss, lossUnlabeled, lossContrastive: tf.scalar(0), metrics: [...metrics, learningEffect], pseudoLabelCounts }
  }
}
