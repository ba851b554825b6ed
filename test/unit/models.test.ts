import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../../src/main/trainer/backend.ts'
import { Rng } from '../../src/shared/rng.ts'
import { loadFixture } from '../../src/main/conformance/fixture.ts'
import { wrnForwardCase } from '../../src/main/conformance/kinds/wrn.ts'
import { createModel, loadStateDict, readStateDict, SmallCnn, WideResNet, type Classifier } from '../../src/main/trainer/models/index.ts'
import { batchNorm } from '../../src/main/trainer/models/batchnorm.ts'
import { ParamStore } from '../../src/main/trainer/models/store.ts'
import { tfjsToTorch, torchToTfjs } from '../../src/main/trainer/models/state-dict.ts'

const FIXTURE_DIR = new URL('../fixtures/', import.meta.url).pathname
const wrnFixture = () => loadFixture(`${FIXTURE_DIR}wrn28_2_forward.json`, FIXTURE_DIR)

/** A WRN with the study's block structure (shortcut + activate-before-residual in group 1) at n = 1. */
const tinyWrn = (seed = 1) => new WideResNet({ depth: 10, width: 2, numClasses: 10, inputChannels: 3 }, new Rng(seed))

function randomImages(shape: [number, number, number, number], seed = 7): tf.Tensor4D {
  const rng = new Rng(seed)
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1))
  for (let i = 0; i < values.length; i++) values[i] = rng.normal()
  return tf.tensor4d(values, shape)
}

async function snapshot(vars: Map<string, tf.Variable>): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>()
  for (const [name, v] of vars) out.set(name, (await v.data()) as Float32Array)
  return out
}

/** Names whose values differ between two snapshots (byte comparison: fast on large arrays). */
function differing(a: Map<string, Float32Array>, b: Map<string, Float32Array>): string[] {
  const bytes = (v: Float32Array | undefined) => (v ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : Buffer.alloc(0))
  const names = new Set([...a.keys(), ...b.keys()])
  return [...names].filter((name) => !bytes(a.get(name)).equals(bytes(b.get(name))))
}

function std(values: Float32Array): { mean: number; std: number } {
  let sum = 0
  for (const v of values) sum += v
  const mean = sum / values.length
  let sq = 0
  for (const v of values) sq += (v - mean) ** 2
  return { mean, std: Math.sqrt(sq / values.length) }
}

beforeAll(async () => {
  await initBackend('cpu')
})

describe('WRN-28-2 against the PyTorch fixture (cpu)', () => {
  it('matches logits in eval and train mode, and the parameter count', async () => {
    const before = tf.memory().numTensors
    const checks = await wrnForwardCase(wrnFixture())
    console.log('cpu', checks.map((c) => `${c.name}: worstAbs ${c.worstAbs.toExponential(2)} ratio ${c.worstRatio.toFixed(3)}`).join('; '))
    expect(checks.map((c) => c.name)).toEqual(['logits_eval', 'logits_train_batch_stats', 'param_count'])
    for (const check of checks) expect(check.pass, `${check.name} ${JSON.stringify(check)}`).toBe(true)
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('parameter counts', () => {
  it('WRN-28-2, 10 classes: 1,467,610', () => {
    const model = createModel({ architecture: 'wrn-28-2', numClasses: 10, inputShape: [32, 32, 3] }, new Rng(0))
    expect(model.parameterCount()).toBe(1_467_610)
    // 25 BN layers, each with running mean and var; 28 - 4 = 24 convs in blocks + stem + 3 shortcuts.
    expect(model.buffers.size).toBe(50)
    model.dispose()
  })

  it('WRN-28-8, 100 classes: 23,401,012', () => {
    const model = createModel({ architecture: 'wrn-28-8', numClasses: 100, inputShape: [32, 32, 3] }, new Rng(0))
    expect(model.parameterCount()).toBe(23_401_012)
    model.dispose()
  })

  it('rejects bad specs with the field named', () => {
    expect(() => createModel({ architecture: 'wrn-27-2', numClasses: 10, inputShape: [32, 32, 3] }, new Rng(0))).toThrow(/depth/)
    expect(() => createModel({ architecture: 'small-cnn', numClasses: 0, inputShape: [28, 28, 1] }, new Rng(0))).toThrow(/numClasses/)
    expect(() => createModel({ architecture: 'small-cnn', numClasses: 10, inputShape: [28, 28] as never }, new Rng(0))).toThrow(/inputShape/)
  })
})

describe('batch norm', () => {
  it('train mode: normalises with the biased variance and updates running stats with the unbiased one', async () => {
    const store = new ParamStore('bn-test')
    const layer = store.batchNorm('bn', 2)
    layer.weight.assign(tf.tensor1d([1.5, -0.5]))
    layer.bias.assign(tf.tensor1d([0.25, 1]))
    layer.runningMean.assign(tf.tensor1d([0.3, -0.2]))
    layer.runningVar.assign(tf.tensor1d([2, 0.5]))
    const x = randomImages([2, 3, 3, 2])
    const xs = (await x.data()) as Float32Array
    const y = batchNorm(x, layer, true)
    const ys = (await y.data()) as Float32Array
    const n = 18
    const [w, b, rm, rv] = [
      [1.5, -0.5],
      [0.25, 1],
      [0.3, -0.2],
      [2, 0.5]
    ]
    const runMean = await layer.runningMean.data()
    const runVar = await layer.runningVar.data()
    for (let c = 0; c < 2; c++) {
      const vals = Array.from({ length: n }, (_, i) => xs[i * 2 + c])
      const mean = vals.reduce((a, v) => a + v, 0) / n
      const biased = vals.reduce((a, v) => a + (v - mean) ** 2, 0) / n
      for (let i = 0; i < n; i++) {
        expect(ys[i * 2 + c]).toBeCloseTo(((vals[i] - mean) / Math.sqrt(biased + 1e-5)) * w[c] + b[c], 5)
      }
      expect(runMean[c]).toBeCloseTo(0.999 * rm[c] + 0.001 * mean, 6)
      expect(runVar[c]).toBeCloseTo(0.999 * rv[c] + 0.001 * biased * (n / (n - 1)), 6)
    }
    tf.dispose([x, y])
    store.dispose()
  })

  it('custom gradient equals autodiff through the plain formula', () => {
    const store = new ParamStore('bn-grad')
    const layer = store.batchNorm('bn', 3)
    layer.weight.assign(tf.tensor1d([0.7, 1.3, -1.1]))
    layer.bias.assign(tf.tensor1d([0.1, -0.2, 0.3]))
    const x = randomImages([2, 4, 3, 3], 11)
    const target = randomImages([2, 4, 3, 3], 12)
    const loss = (out: tf.Tensor) => tf.sum(tf.mul(tf.square(out), target))
    const reference = (input: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor) => {
      const { mean, variance } = tf.moments(input, [0, 1, 2])
      return tf.add(tf.mul(tf.div(tf.sub(input, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta)
    }
    const gamma0 = tf.tensor1d([0.7, 1.3, -1.1])
    const beta0 = tf.tensor1d([0.1, -0.2, 0.3])
    const refGrads = tf.grads((input: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => loss(reference(input as tf.Tensor4D, gamma, beta)))([x, gamma0, beta0])
    const { grads } = tf.variableGrads(() => loss(batchNorm(x, layer, true)) as tf.Scalar, [layer.weight, layer.bias])
    const dx = tf.grad((input: tf.Tensor) => loss(batchNorm(input as tf.Tensor4D, layer, true)))(x)
    const close = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]
    expect(close(dx, refGrads[0])).toBeLessThan(1e-4)
    expect(close(grads[layer.weight.name], refGrads[1])).toBeLessThan(1e-4)
    expect(close(grads[layer.bias.name], refGrads[2])).toBeLessThan(1e-4)
    tf.dispose([x, target, gamma0, beta0, dx, ...refGrads, ...Object.values(grads)])
    store.dispose()
  })

  it('eval mode changes no parameter or buffer; train mode changes the buffers only', async () => {
    const model = tinyWrn()
    const x = randomImages([2, 8, 8, 3])
    const params0 = await snapshot(model.params)
    const buffers0 = await snapshot(model.buffers)
    tf.dispose(model.apply(x, false))
    expect(differing(await snapshot(model.params), params0)).toEqual([])
    expect(differing(await snapshot(model.buffers), buffers0)).toEqual([])
    tf.dispose(model.apply(x, true))
    expect(differing(await snapshot(model.params), params0)).toEqual([])
    // Every running statistic moved, the unused bn1's of groups 2 and 3 included.
    expect(differing(await snapshot(model.buffers), buffers0)).toEqual([...model.buffers.keys()])
    x.dispose()
    model.dispose()
  })
})

describe('initialisation', () => {
  it('conv weights kaiming normal (fan_out), fc xavier normal, BN 1/0, biases 0', async () => {
    const model = createModel({ architecture: 'wrn-28-2', numClasses: 10, inputShape: [32, 32, 3] }, new Rng(3))
    const conv = std((await model.params.get('block3.1.conv2.weight')!.data()) as Float32Array)
    expect(Math.abs(conv.mean)).toBeLessThan(0.001)
    expect(conv.std / Math.sqrt(2 / (128 * 9))).toBeGreaterThan(0.98)
    expect(conv.std / Math.sqrt(2 / (128 * 9))).toBeLessThan(1.02)
    const fc = std((await model.params.get('fc.weight')!.data()) as Float32Array)
    expect(fc.std / Math.sqrt(2 / (128 + 10))).toBeGreaterThan(0.9)
    expect(fc.std / Math.sqrt(2 / (128 + 10))).toBeLessThan(1.1)
    expect(Array.from(await model.params.get('fc.bias')!.data())).toEqual(new Array(10).fill(0))
    expect(Array.from(await model.params.get('block2.0.bn2.weight')!.data())).toEqual(new Array(64).fill(1))
    expect(Array.from(await model.params.get('bn1.bias')!.data())).toEqual(new Array(128).fill(0))
    expect(Array.from(await model.buffers.get('bn1.running_var')!.data())).toEqual(new Array(128).fill(1))
    model.dispose()
  })

  it('the same seed gives the same weights, another seed other weights', async () => {
    const [a, b, c] = [tinyWrn(5), tinyWrn(5), tinyWrn(6)]
    const [wa, wb, wc] = await Promise.all([a, b, c].map((m) => snapshot(m.params)))
    expect(differing(wb, wa)).toEqual([])
    expect(differing(wc, wa)).toContain('conv1.weight')
    ;[a, b, c].forEach((m) => m.dispose())
  })

  it('weight decay applies to conv and fc weights only', () => {
    const model = tinyWrn()
    const decayed = [...model.params.keys()].filter((name) => model.decays(name))
    expect(decayed).toContain('conv1.weight')
    expect(decayed).toContain('block1.0.convShortcut.weight')
    expect(decayed).toContain('fc.weight')
    expect(decayed.every((name) => !/bn|bias/.test(name))).toBe(true)
    expect(decayed.length).toBe(1 + 3 * 2 + 3 + 1) // stem, 2 convs per block, 3 shortcuts, fc
    model.dispose()
  })
})

describe('memory', () => {
  for (const [label, make, shape] of [
    ['wrn', () => tinyWrn(), [2, 8, 8, 3]],
    ['small-cnn', () => new SmallCnn({ numClasses: 10, inputChannels: 1 }, new Rng(2)), [2, 28, 28, 1]]
  ] as const) {
    it(`${label}: apply in both modes leaks no tensor`, () => {
      const model = make() as Classifier
      const x = randomImages([...shape])
      const before = tf.memory().numTensors
      for (let i = 0; i < 3; i++) {
        tf.tidy(() => {
          model.apply(x, true)
        })
        tf.tidy(() => {
          model.apply(x, false)
        })
      }
      expect(tf.memory().numTensors).toBe(before)
      x.dispose()
      model.dispose()
    })
  }
})

describe('gradients (cpu)', () => {
  it('every WRN parameter gets a gradient except the unused bn1 of groups 2 and 3', async () => {
    const model = tinyWrn()
    const x = randomImages([2, 8, 8, 3])
    const labels = tf.oneHot(tf.tensor1d([3, 9], 'int32'), 10)
    const runningBefore = await snapshot(model.buffers)
    const before = tf.memory().numTensors
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x, true)) as tf.Scalar, [...model.params.values()])
    const withoutGradient = model.parametersWithoutGradient()
    expect(withoutGradient).toEqual(['block2.0.bn1.weight', 'block2.0.bn1.bias', 'block3.0.bn1.weight', 'block3.0.bn1.bias'])
    for (const [name, variable] of model.params) {
      const grad = grads[variable.name]
      if (withoutGradient.includes(name)) {
        expect(grad, name).toBeUndefined()
        continue
      }
      expect(grad, name).toBeDefined()
      expect(grad.shape, name).toEqual(variable.shape)
      const norm = tf.tidy(() => tf.norm(grad).arraySync() as number)
      expect(Number.isFinite(norm) && norm > 0, `${name} grad norm ${norm}`).toBe(true)
    }
    // The running statistics moved inside variableGrads, the unused bn1's too (as PyTorch).
    expect(differing(await snapshot(model.buffers), runningBefore)).toEqual([...model.buffers.keys()])
    tf.dispose([value, ...Object.values(grads)])
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([x, labels])
    model.dispose()
  })

  it('every small-cnn parameter gets a gradient', () => {
    const model = new SmallCnn({ numClasses: 10, inputChannels: 3 }, new Rng(4))
    const x = randomImages([2, 12, 12, 3])
    const labels = tf.oneHot(tf.tensor1d([1, 2], 'int32'), 10)
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x, true)) as tf.Scalar)
    for (const [name, variable] of model.params) expect(grads[variable.name], name).toBeDefined()
    // Buffers are not trainable, so they are never differentiated.
    for (const variable of model.buffers.values()) expect(grads[variable.name]).toBeUndefined()
    tf.dispose([value, x, labels, ...Object.values(grads)])
    model.dispose()
  })
})

describe('state dict', () => {
  it('converts conv OIHW <-> HWIO and linear [out,in] <-> [in,out]', () => {
    const values = Float32Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => i)
    const tfjs = torchToTfjs({ shape: [2, 3, 2, 2], values })
    expect(tfjs.shape).toEqual([2, 2, 3, 2])
    // torch[o=1][i=2][h=0][w=1] -> tfjs[h=0][w=1][i=2][o=1]
    expect(tfjs.values[((0 * 2 + 1) * 3 + 2) * 2 + 1]).toBe(values[((1 * 3 + 2) * 2 + 0) * 2 + 1])
    expect(tfjsToTorch(tfjs.shape, tfjs.values)).toEqual({ shape: [2, 3, 2, 2], values })
    const linear = torchToTfjs({ shape: [2, 3], values: Float32Array.from([1, 2, 3, 4, 5, 6]) })
    expect(linear).toEqual({ shape: [3, 2], values: Float32Array.from([1, 4, 2, 5, 3, 6]) })
  })

  it('round-trips through PyTorch layout, accepts block1.layer.0 keys, rejects missing or misshapen ones', async () => {
    const source = tinyWrn(8)
    const dict = await readStateDict(source)
    const target = tinyWrn(9)
    const renamed = new Map([...dict].map(([key, t]) => [key.replace(/^(block\d)\./, '$1.layer.'), t]))
    renamed.set('bn1.num_batches_tracked', { shape: [], values: new Float32Array(1) })
    loadStateDict(target, renamed)
    expect(differing(await snapshot(target.params), await snapshot(source.params))).toEqual([])
    expect(differing(await snapshot(target.buffers), await snapshot(source.buffers))).toEqual([])
    const missing = new Map(dict)
    missing.delete('fc.bias')
    expect(() => loadStateDict(target, missing)).toThrow(/fc\.bias/)
    const misshapen = new Map(dict)
    misshapen.set('fc.weight', { shape: [10, 64], values: new Float32Array(640) })
    expect(() => loadStateDict(target, misshapen)).toThrow(/fc\.weight/)
    source.dispose()
    target.dispose()
  })
})

describe('small CNN', () => {
  it('takes MNIST and CIFAR shapes', () => {
    for (const [h, w, c] of [
      [28, 28, 1],
      [32, 32, 3]
    ] as const) {
      const model = createModel({ architecture: 'small-cnn', numClasses: 10, inputShape: [h, w, c] }, new Rng(1))
      const x = randomImages([3, h, w, c])
      const logits = tf.tidy(() => model.apply(x, false))
      expect(logits.shape).toEqual([3, 10])
      expect(model.parameterCount()).toBe(9 * c * 32 + 9 * 32 * 64 + 9 * 64 * 128 + 9 * 128 * 128 + 2 * (32 + 64 + 128 + 128) + 128 * 10 + 10)
      tf.dispose([x, logits])
      model.dispose()
    }
  })
})

describe('wasm backend (forward only: no gradient kernels needed)', () => {
  beforeAll(async () => {
    await initBackend('wasm')
  })
  afterAll(async () => {
    await initBackend('cpu')
  })

  it('matches the fixture in eval and train mode', async () => {
    const before = tf.memory().numTensors
    const checks = await wrnForwardCase(wrnFixture())
    console.log('wasm', checks.map((c) => `${c.name}: worstAbs ${c.worstAbs.toExponential(2)} ratio ${c.worstRatio.toFixed(3)}`).join('; '))
    for (const check of checks) expect(check.pass, `${check.name} ${JSON.stringify(check)}`).toBe(true)
    expect(tf.memory().numTensors).toBe(before)
  })
})
