// FlexMatch's and FreeMatch's masks and FreeMatch's fairness loss: the shipped
// PyTorch fixtures, fixtures of other shapes and options made from the
// semantics written in test/fixtures/README.md (a plain-loop oracle here), and
// what the trainer relies on beyond them (a repeated image, an empty mask).
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../src/main/trainer/backend.ts'
import type { Fixture } from '../../src/main/conformance/fixture.ts'
import { flexmatchMaskingCase, freematchFairnessCase, freematchMaskingCase } from '../../src/main/conformance/kinds/methods.ts'
import { freematchFairness, weakPredictions } from '../../src/main/trainer/losses.ts'
import { createFlexMatchState, distinctRounds, flexMatchThreshold } from '../../src/main/trainer/methods/masking/flexmatch-threshold.ts'
import { Rng } from '../../src/shared/rng.ts'
import { fixture } from '../helpers/fixtures.ts'

beforeAll(async () => {
  await initBackend('cpu')
})

const tensor = (shape: number[], data: number[], dtype = 'float32') => ({ shape, dtype, data }) as Fixture['inputs'][string]

/** Random rows of probabilities [S, N, C], each kept away from the thresholds the cases use. */
function randomProbs(rng: Rng, s: number, n: number, c: number): number[][][] {
  return Array.from({ length: s }, () =>
    Array.from({ length: n }, () => {
      const logits = Array.from({ length: c }, () => rng.random() * 6)
      const exp = logits.map((x) => Math.exp(x - Math.max(...logits)))
      const sum = exp.reduce((a, b) => a + b, 0)
      return exp.map((x) => Math.fround(x / sum))
    })
  )
}

/** FlexMatch over S steps as the fixture README's note says, in plain loops. */
function flexmatchOracle(probs: number[][][], indices: number[][], pCutoff: number, classes: number, poolSize: number, warmup: boolean) {
  const selected = new Array<number>(poolSize).fill(-1)
  let acc = new Array<number>(classes).fill(0)
  const masks: number[] = []
  const accs: number[] = []
  probs.forEach((rows, s) => {
    const predictions = rows.map((p) => ({ max: Math.max(...p), c: p.indexOf(Math.max(...p)) }))
    for (const { max, c } of predictions) masks.push(max >= pCutoff * (acc[c] / (2 - acc[c])) ? 1 : 0)
    predictions.forEach(({ max, c }, row) => {
      if (max >= pCutoff) selected[indices[s][row]] = c
    })
    const count = (k: number) => selected.filter((v) => v === k).length
    const largest = Math.max(...(warmup ? [-1] : []).concat(Array.from({ length: classes }, (_, k) => k)).map(count))
    if (count(selected[0]) < poolSize) acc = acc.map((_, k) => count(k) / largest)
    accs.push(...acc)
  })
  return { masks, accs, selected }
}

function flexmatchFixture(seed: number, s: number, n: number, c: number, poolSize: number, warmup: boolean, pCutoff: number): Fixture {
  const rng = new Rng(seed)
  const probs = randomProbs(rng, s, n, c)
  // distinct indices within a step, as the fixtures promise
  const indices = probs.map(() => {
    const pool = Array.from({ length: poolSize }, (_, i) => i)
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(rng.random() * (i + 1))
      ;[pool[i], pool[j]] = [pool[j], pool[i]]
    }
    return pool.slice(0, n)
  })
  const want = flexmatchOracle(probs, indices, pCutoff, c, poolSize, warmup)
  return {
    name: 'flex',
    kind: 'flexmatch_masking',
    params: { p_cutoff: pCutoff, num_classes: c, ulb_dest_len: poolSize, thresh_warmup: warmup, mapping: 'convex' },
    inputs: { probs_weak: tensor([s, n, c], probs.flat(2)), unlabeled_indices: tensor([s, n], indices.flat(), 'int32') },
    expected: { mask: tensor([s, n], want.masks), classwise_acc: tensor([s, c], want.accs), selected_label: tensor([poolSize], want.selected, 'int32') },
    tolerance: { atol: 1e-6, rtol: 1e-5 },
    dir: '.',
    file: 'generated.json'
  }
}

describe('FlexMatch masking', () => {
  it('matches the PyTorch reference over its steps', async () => {
    const checks = await flexmatchMaskingCase(fixture('flexmatch_masking'))
    expect(checks.map((c) => c.name)).toEqual(['mask', 'classwise_acc', 'selected_label'])
    for (const check of checks) expect(check, check.name).toMatchObject({ pass: true })
  })

  it.each([
    [1, 9, 17, 3, 40, true, 0.7],
    [2, 5, 31, 7, 60, false, 0.5],
    [3, 12, 8, 2, 9, false, 0.9]
  ] as const)('passes a fixture of other shapes and options (seed %i)', async (seed, s, n, c, poolSize, warmup, pCutoff) => {
    const fx = flexmatchFixture(seed, s, n, c, poolSize, warmup, pCutoff)
    // the case must be one where the state matters: some effect above zero, some row masked by it
    expect(fx.expected.classwise_acc.data.some((x) => x > 0)).toBe(true)
    for (const check of await flexmatchMaskingCase(fx)) expect(check, check.name).toMatchObject({ pass: true })
  })

  it('fails when the expected run had warm-up and the case is read without it', async () => {
    const fx = flexmatchFixture(4, 6, 20, 4, 50, true, 0.6)
    fx.params.thresh_warmup = false
    const checks = await flexmatchMaskingCase(fx)
    expect(checks.find((c) => c.name === 'classwise_acc')!.pass).toBe(false)
  })

  it('lets the last confident row of an image win when a batch holds it twice', async () => {
    expect(distinctRounds(Int32Array.from([4, 1, 4, 4, 2])).map((r) => Array.from(r))).toEqual([[0, 1, 4], [2], [3]])
    const state = createFlexMatchState(3, 6)
    const probs = tf.tensor2d([
      [0.98, 0.01, 0.01],
      [0.01, 0.98, 0.01],
      [0.3, 0.3, 0.4],
      [0.01, 0.01, 0.98]
    ])
    tf.tidy(() =>
      flexMatchThreshold(state, { threshold: 0.95, threshWarmup: true }).mask({ ...weakPredictions(probs), positions: Int32Array.from([2, 2, 2, 5]) })
    )
    // image 2: class 0, then class 1, then an unconfident row that leaves it; image 5: class 2
    expect(Array.from(await state.selectedLabel.data())).toEqual([-1, -1, 1, -1, -1, 2])
    // with warm-up the four unused images set the scale: 1/4 for classes 1 and 2
    expect(Array.from(await state.classwiseAcc.data())).toEqual([0, 0.25, 0.25])
  })
})

describe('FreeMatch masking and fairness', () => {
  it.each([
    ['freematch_masking', freematchMaskingCase, ['mask', 'time_p', 'p_model', 'label_hist']],
    ['freematch_fairness', freematchFairnessCase, ['loss', 'grad_logits_strong']]
  ] as const)('%s matches the PyTorch reference', async (name, handler, names) => {
    const checks = await handler(fixture(name))
    expect(checks.map((c) => c.name)).toEqual(names)
    for (const check of checks) expect(check, check.name).toMatchObject({ pass: true })
  })

  it.each([
    [5, 4, 11, 3, 0.8],
    [6, 8, 6, 9, 0.5]
  ] as const)('passes a masking fixture of other shapes and momentum (seed %i)', async (seed, s, n, c, m) => {
    const rng = new Rng(seed)
    const logits = Array.from({ length: s * n * c }, () => Math.fround(rng.normal() * 2))
    // the README's note in plain loops: the state moves first, then the mask
    let timeP = 1 / c
    let pModel = new Array<number>(c).fill(1 / c)
    let labelHist = new Array<number>(c).fill(1 / c)
    const want = { mask: [] as number[], time_p: [] as number[], p_model: [] as number[], label_hist: [] as number[] }
    for (let step = 0; step < s; step++) {
      const rows = Array.from({ length: n }, (_, i) => {
        const z = logits.slice((step * n + i) * c, (step * n + i + 1) * c)
        const e = z.map((x) => Math.exp(x - Math.max(...z)))
        const sum = e.reduce((a, b) => a + b, 0)
        return e.map((x) => x / sum)
      })
      const max = rows.map((p) => Math.max(...p))
      const arg = rows.map((p, i) => p.indexOf(max[i]))
      timeP = m * timeP + (1 - m) * (max.reduce((a, b) => a + b, 0) / n)
      pModel = pModel.map((v, k) => m * v + (1 - m) * (rows.reduce((a, p) => a + p[k], 0) / n))
      labelHist = labelHist.map((v, k) => m * v + (1 - m) * (arg.filter((a) => a === k).length / n))
      const top = Math.max(...pModel)
      want.mask.push(...max.map((p, i) => (p >= (timeP * pModel[arg[i]]) / top ? 1 : 0)))
      want.time_p.push(timeP)
      want.p_model.push(...pModel)
      want.label_hist.push(...labelHist)
    }
    expect(new Set(want.mask).size).toBe(2) // some rows in, some out
    const fx: Fixture = {
      name: 'free',
      kind: 'freematch_masking',
      params: { ema_p: m, num_classes: c, use_quantile: false, clip_thresh: false },
      inputs: { logits_weak: tensor([s, n, c], logits) },
      expected: {
        mask: tensor([s, n], want.mask),
        time_p: tensor([s], want.time_p),
        p_model: tensor([s, c], want.p_model),
        label_hist: tensor([s, c], want.label_hist)
      },
      tolerance: { atol: 1e-6, rtol: 1e-5 },
      dir: '.',
      file: 'generated.json'
    }
    for (const check of await freematchMaskingCase(fx)) expect(check, check.name).toMatchObject({ pass: true })
  })

  it('fails the masking case when the state is read for other momentum', async () => {
    const fx = fixture('freematch_masking')
    fx.params.ema_p = (fx.params.ema_p as number) * 0.9
    const checks = await freematchMaskingCase(fx)
    expect(checks.find((c) => c.name === 'time_p')!.pass).toBe(false)
  })

  it('gives zero loss and zero gradient when no row is masked, and no NaN', async () => {
    const strong = tf.tensor2d([
      [1, 2, 0],
      [0, 1, 3]
    ])
    const args = [tf.tensor1d([0, 0]), tf.tensor1d([0.2, 0.5, 0.3]), tf.tensor1d([0.3, 0.3, 0.4])] as const
    const { value, grads } = tf.valueAndGrads((s: tf.Tensor) => freematchFairness(s as tf.Tensor2D, ...args))([strong])
    const plain = async (t: tf.Tensor) => Array.from(await t.data(), (x) => x + 0) // -0 is 0
    expect(await plain(value)).toEqual([0])
    expect(await plain(grads[0])).toEqual([0, 0, 0, 0, 0, 0])
  })

  it('keeps the sign USB gives it: negative, and larger when the strong predictions are fairer', async () => {
    const uniform = [tf.tensor1d([1, 1, 1, 1]), tf.tensor1d([0.25, 0.25, 0.25, 0.25]), tf.tensor1d([0.25, 0.25, 0.25, 0.25])] as const
    const lossOf = async (rows: number[][]) => (await freematchFairness(tf.tensor2d(rows), ...uniform).data())[0]
    const skewed = await lossOf([
      [3, 0, 0, 0],
      [3, 0, 0, 0],
      [3, 0, 0, 0],
      [0, 3, 0, 0]
    ])
    const fair = await lossOf([
      [3, 0, 0, 0],
      [0, 3, 0, 0],
      [0, 0, 3, 0],
      [0, 0, 0, 3]
    ])
    expect(fair).toBeLessThan(0)
    expect(fair).toBeCloseTo(Math.log(0.25), 5)
    expect(skewed).toBeLessThan(fair)
  })
})
