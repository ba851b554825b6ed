import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../../src/main/trainer/backend.ts'
import { crossEntropyCase, fixmatchConsistencyCase, simclrInfoNceCase, simclrPairwiseCase } from '../../src/main/conformance/kinds/losses.ts'
import { crossEntropy, fixmatchConsistency, simclrInfoNce, simclrPairwise, stopGradient } from '../../src/main/trainer/losses.ts'
import { fixture } from '../helpers/fixtures.ts'

beforeAll(async () => {
  await initBackend('cpu')
})

describe('loss fixtures (PyTorch values and gradients)', () => {
  it.each([
    ['ce_loss', crossEntropyCase],
    ['fixmatch_consistency', fixmatchConsistencyCase],
    ['simclr_info_nce', simclrInfoNceCase],
    ['simclr_pairwise', simclrPairwiseCase],
    ['simclr_pairwise_corrected', simclrPairwiseCase]
  ] as const)('%s matches', async (name, handler) => {
    const checks = await handler(fixture(name))
    expect(checks.length).toBeGreaterThan(1)
    for (const check of checks) expect(check, check.name).toMatchObject({ pass: true })
  })

  it('a perturbed expectation fails the check', async () => {
    const fx = fixture('ce_loss')
    fx.expected.loss.data = [fx.expected.loss.data[0] + 1e-3]
    const checks = await crossEntropyCase(fx)
    expect(checks.find((c) => c.name === 'loss')!.pass).toBe(false)
  })
})

describe('loss behaviour', () => {
  it('cross-entropy of a confident correct prediction is near zero', () => {
    const loss = crossEntropy(tf.tensor2d([[20, 0, 0]]), tf.tensor1d([0], 'int32'))
    expect(loss.dataSync()[0]).toBeLessThan(1e-6)
  })

  it('stopGradient passes values and blocks gradients', () => {
    const x = tf.tensor1d([1, 2, 3])
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(stopGradient(v), v)))(x)
    expect(Array.from(g.dataSync())).toEqual([1, 2, 3])
  })

  it('consistency masks rows below the threshold and averages over all rows', () => {
    const weak = tf.tensor2d([
      [10, 0],
      [0.1, 0]
    ])
    const strong = tf.tensor2d([
      [0, 0],
      [0, 0]
    ])
    const r = fixmatchConsistency(weak, strong, 0.95)
    expect(r.maskRate.dataSync()[0]).toBe(0.5)
    expect(Array.from(r.pseudoLabels.dataSync())).toEqual([0, 0])
    // only row 0 counts: CE of uniform logits is ln 2, divided by 2 rows
    expect(r.loss.dataSync()[0]).toBeCloseTo(Math.log(2) / 2, 5)
  })

  it('info-NCE is lower when the two views agree', () => {
    const a = tf.randomNormal([4, 8], 0, 1, 'float32', 1) as tf.Tensor2D
    const agree = simclrInfoNce(tf.concat([a, a]) as tf.Tensor2D, 0.1).dataSync()[0]
    const b = tf.randomNormal([4, 8], 0, 1, 'float32', 2) as tf.Tensor2D
    const disagree = simclrInfoNce(tf.concat([a, b]) as tf.Tensor2D, 0.1).dataSync()[0]
    expect(agree).toBeLessThan(disagree)
  })

  it("the seed form targets the previous row's strong view, the positive form its own", () => {
    // one row: the seed's target is its positive and the only column, so both are zero
    const one = tf.randomNormal([1, 5], 0, 1, 'float32', 3) as tf.Tensor2D
    expect(simclrPairwise(one, one, 0.1, 'seed').dataSync()[0]).toBe(0)
    // row i>0 targets strong row i-1, row 0 its own: weak rows built to match those targets
    const weak = tf.tensor2d([
      [1, 0, 0],
      [1, 0, 0],
      [0, 0, 1]
    ])
    const shifted = tf.tensor2d([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0]
    ])
    expect(simclrPairwise(weak, shifted, 0.1, 'seed').dataSync()[0]).toBeLessThan(simclrPairwise(weak, shifted, 0.1, 'positive').dataSync()[0])
    const w4 = tf.randomNormal([4, 5], 0, 1, 'float32', 5) as tf.Tensor2D
    // identical views: the positive form is small, the seed form is not
    expect(simclrPairwise(w4, w4, 0.1, 'positive').dataSync()[0]).toBeLessThan(simclrPairwise(w4, w4, 0.1, 'seed').dataSync()[0])
  })

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors
    tf.tidy(() => {
      const w = tf.randomNormal([6, 4]) as tf.Tensor2D
      const s = tf.randomNormal([6, 4]) as tf.Tensor2D
      tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.add(fixmatchConsistency(a as tf.Tensor2D, b as tf.Tensor2D, 0.5).loss, simclrPairwise(a as tf.Tensor2D, b as tf.Tensor2D, 0.1, 'seed'))
      )([w, s])
    })
    expect(tf.memory().numTensors).toBe(before)
  })
})
