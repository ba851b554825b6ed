// Fixture kinds for the losses: values and gradients against PyTorch.
import * as tf from '@tensorflow/tfjs-core'
import { checkEqual } from '../compare.ts'
import { expected, input, param } from '../fixture.ts'
import { crossEntropy, fixmatchConsistency, simclrInfoNce, simclrPairwise, type PairwiseTarget } from '../../trainer/losses.ts'
import type { KindHandler } from './types.ts'
import { closeTo, toTensor, values, withScope } from './tensors.ts'

export const crossEntropyCase: KindHandler = (fx) =>
  withScope(async () => {
    const logits = toTensor(input(fx, 'logits')) as tf.Tensor2D
    const labels = toTensor(input(fx, 'labels')) as tf.Tensor1D
    const { value, grads } = tf.valueAndGrads((l: tf.Tensor) => crossEntropy(l as tf.Tensor2D, labels))([logits])
    const close = closeTo(fx)
    return [await close('loss', value), await close('grad_logits', grads[0])]
  })

export const fixmatchConsistencyCase: KindHandler = (fx) =>
  withScope(async () => {
    const threshold = param<number>(fx, 'threshold')
    const weak = toTensor(input(fx, 'logits_weak')) as tf.Tensor2D
    const strong = toTensor(input(fx, 'logits_strong')) as tf.Tensor2D
    const result = fixmatchConsistency(weak, strong, threshold)
    const grads = tf.grads((w: tf.Tensor, s: tf.Tensor) => fixmatchConsistency(w as tf.Tensor2D, s as tf.Tensor2D, threshold).loss)([weak, strong])
    const close = closeTo(fx)
    const checks = [
      await close('loss', result.loss),
      await close('mask_rate', result.maskRate),
      checkEqual('pseudo_labels', await values(result.pseudoLabels), expected(fx, 'pseudo_labels').data),
      await close('grad_logits_weak', grads[0]),
      await close('grad_logits_strong', grads[1])
    ]
    return checks.filter((c) => c.name in fx.expected)
  })

export const simclrInfoNceCase: KindHandler = (fx) =>
  withScope(async () => {
    const temperature = param<number>(fx, 'temperature')
    const views = param<number>(fx, 'n_views', 2)
    if (views !== 2) throw new Error(`${fx.file}: only n_views=2 is supported, got ${views}`)
    const features = toTensor(input(fx, 'features')) as tf.Tensor2D
    const { value, grads } = tf.valueAndGrads((f: tf.Tensor) => simclrInfoNce(f as tf.Tensor2D, temperature))([features])
    const close = closeTo(fx)
    return [await close('loss', value), await close('grad_features', grads[0])]
  })

export const simclrPairwiseCase: KindHandler = (fx) =>
  withScope(async () => {
    const temperature = param<number>(fx, 'temperature')
    const target = param<PairwiseTarget>(fx, 'target')
    if (target !== 'seed' && target !== 'positive') throw new Error(`${fx.file}: params.target must be "seed" or "positive", got "${target}"`)
    const weak = toTensor(input(fx, 'weak')) as tf.Tensor2D
    const strong = toTensor(input(fx, 'strong')) as tf.Tensor2D
    const { value, grads } = tf.valueAndGrads((w: tf.Tensor, s: tf.Tensor) => simclrPairwise(w as tf.Tensor2D, s as tf.Tensor2D, temperature, target))([
      weak,
      strong
    ])
    const close = closeTo(fx)
    return [await close('loss', value), await close('grad_weak', grads[0]), await close('grad_strong', grads[1])]
  })
