// Fixture kinds for the adaptive-threshold methods: each masking case runs the
// method's own masking policy (trainer/methods/masking/) over the fixture's
// steps from the initial state, so it passes only if the state is carried
// exactly; the fairness case runs FreeMatch's loss. Every size comes from the fixture.
import * as tf from '@tensorflow/tfjs-core'
import { checkEqual, type Check } from '../compare.ts'
import { expected, FixtureFormatError, input, param, type Fixture, type FixtureTensor } from '../fixture.ts'
import { freematchFairness, weakPredictions } from '../../trainer/losses.ts'
import { createFlexMatchState, flexMatchThreshold } from '../../trainer/methods/masking/flexmatch-threshold.ts'
import { createFreeMatchState, freeMatchThreshold } from '../../trainer/methods/masking/freematch-threshold.ts'
import type { MaskingPolicy } from '../../trainer/methods/masking/types.ts'
import type { KindHandler } from './types.ts'
import { closeTo, toTensor, values, withScope } from './tensors.ts'

/** The fixture's [S, N, C] tensor as S steps of [N, C]; checks C against params.num_classes. */
function steps(fx: Fixture, name: string, numClasses: number): { count: number; rows: number; step: (s: number) => tf.Tensor2D } {
  const t: FixtureTensor = input(fx, name)
  const [count, rows, classes] = t.shape
  if (t.shape.length !== 3 || classes !== numClasses) {
    throw new FixtureFormatError(`${fx.file}: inputs.${name} must be [steps, rows, num_classes=${numClasses}], got [${t.shape}]`)
  }
  const all = toTensor(t) as tf.Tensor3D
  return { count, rows, step: (s) => tf.reshape(tf.slice(all, [s, 0, 0], [1, rows, classes]), [rows, classes]) }
}

function requireFalse(fx: Fixture, name: string): void {
  if (param<boolean>(fx, name, false)) throw new FixtureFormatError(`${fx.file}: params.${name}: only false is supported`)
}

/** Runs a policy over the steps; returns each step's mask, concatenated, and disposes the per-step tensors. */
async function maskSteps(
  probsOf: (s: number) => tf.Tensor2D,
  count: number,
  policy: MaskingPolicy,
  positionsOf: (s: number) => Int32Array,
  after: (s: number) => Promise<void>
): Promise<number[]> {
  const masks: number[] = []
  for (let s = 0; s < count; s++) {
    const mask = tf.tidy(() => policy.mask({ ...weakPredictions(probsOf(s)), positions: positionsOf(s) }))
    masks.push(...(await values(mask)))
    mask.dispose()
    await after(s)
  }
  return masks
}

export const flexmatchMaskingCase: KindHandler = (fx) =>
  withScope(async () => {
    const numClasses = param<number>(fx, 'num_classes')
    const mapping = param<string>(fx, 'mapping', 'convex')
    if (mapping !== 'convex') throw new FixtureFormatError(`${fx.file}: params.mapping must be "convex", got "${mapping}"`)
    const probs = steps(fx, 'probs_weak', numClasses)
    const indices = input(fx, 'unlabeled_indices')
    if (indices.shape.join('x') !== `${probs.count}x${probs.rows}`) {
      throw new FixtureFormatError(`${fx.file}: inputs.unlabeled_indices must be [${probs.count}, ${probs.rows}], got [${indices.shape}]`)
    }
    const state = createFlexMatchState(numClasses, param<number>(fx, 'ulb_dest_len'))
    try {
      const policy = flexMatchThreshold(state, { threshold: param<number>(fx, 'p_cutoff'), threshWarmup: param<boolean>(fx, 'thresh_warmup', true) })
      const effects: number[] = []
      const masks = await maskSteps(
        probs.step,
        probs.count,
        policy,
        (s) => Int32Array.from(indices.data.slice(s * probs.rows, (s + 1) * probs.rows)),
        async () => void effects.push(...(await values(state.classwiseAcc)))
      )
      const close = closeTo(fx)
      return [
        checkEqual('mask', masks, expected(fx, 'mask').data),
        await close('classwise_acc', effects),
        checkEqual('selected_label', await values(state.selectedLabel), expected(fx, 'selected_label').data)
      ]
    } finally {
      state.selectedLabel.dispose()
      state.classwiseAcc.dispose()
    }
  })

export const freematchMaskingCase: KindHandler = (fx) =>
  withScope(async () => {
    const numClasses = param<number>(fx, 'num_classes')
    requireFalse(fx, 'use_quantile')
    requireFalse(fx, 'clip_thresh')
    const logits = steps(fx, 'logits_weak', numClasses)
    const state = createFreeMatchState(numClasses)
    try {
      const policy = freeMatchThreshold(state, param<number>(fx, 'ema_p'))
      const record = { time_p: [] as number[], p_model: [] as number[], label_hist: [] as number[] }
      const masks = await maskSteps(
        (s) => tf.softmax(logits.step(s)),
        logits.count,
        policy,
        () => new Int32Array(logits.rows),
        async () => {
          record.time_p.push(...(await values(state.timeP)))
          record.p_model.push(...(await values(state.pModel)))
          record.label_hist.push(...(await values(state.labelHist)))
        }
      )
      const close = closeTo(fx)
      const checks: Check[] = [checkEqual('mask', masks, expected(fx, 'mask').data)]
      for (const [name, got] of Object.entries(record)) checks.push(await close(name, got))
      return checks
    } finally {
      for (const v of [state.timeP, state.pModel, state.labelHist]) v.dispose()
    }
  })

export const freematchFairnessCase: KindHandler = (fx) =>
  withScope(async () => {
    const numClasses = param<number>(fx, 'num_classes')
    const logEps = param<number>(fx, 'log_eps', 1e-12)
    const strong = toTensor(input(fx, 'logits_strong')) as tf.Tensor2D
    if (strong.shape[1] !== numClasses)
      throw new FixtureFormatError(`${fx.file}: inputs.logits_strong must have num_classes=${numClasses} columns, got [${strong.shape}]`)
    const mask = toTensor(input(fx, 'mask')) as tf.Tensor1D
    const pModel = toTensor(input(fx, 'p_model')) as tf.Tensor1D
    const labelHist = toTensor(input(fx, 'label_hist')) as tf.Tensor1D
    const { value, grads } = tf.valueAndGrads((s: tf.Tensor) => freematchFairness(s as tf.Tensor2D, mask, pModel, labelHist, logEps))([strong])
    const close = closeTo(fx)
    return [await close('loss', value), await close('grad_logits_strong', grads[0])]
  })
