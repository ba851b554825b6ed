// Our wasm training kernels against the cpu backend: same random inputs on
// both backends, gradients compared element by element; then a small conv
// net's full gradient, and the absence of leaks over repeated steps.
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../../src/main/trainer/backend.ts'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { registerWasmTrainingKernels } from '../../src/main/trainer/kernels/index.ts'
import { filterGradByGemm } from '../../src/main/trainer/kernels/conv2d-backprop-filter.ts'
import { convGeometry } from '../../src/main/trainer/kernels/conv-geometry.ts'
import { withScope } from '../../src/main/trainer/kernels/wasm-scope.ts'
import { createModel } from '../../src/main/trainer/models/index.ts'
import { Rng } from '../../src/shared/rng.ts'

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]]
type Backend = 'cpu' | 'wasm'

const EXPLICIT: Pad = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0]
]

/** Uniform values in [-1, 1) from a seeded generator, identical on every backend. */
function randomValues(size: number, seed: number): Float32Array {
  const rng = new Rng(seed)
  return Float32Array.from({ length: size }, () => rng.uniform(-1, 1))
}

function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    randomValues(
      shape.reduce((a, b) => a * b, 1),
      seed
    ),
    shape
  )
}

/** Runs `compute` on each backend and returns its outputs as plain arrays. */
async function onBoth(compute: () => tf.Tensor[]): Promise<Record<Backend, Float32Array[]>> {
  return onEach({ cpu: compute, wasm: compute })
}

/** Runs a computation per backend: a reference on cpu, ours on wasm. */
async function onEach(compute: Record<Backend, () => tf.Tensor[]>): Promise<Record<Backend, Float32Array[]>> {
  const out = {} as Record<Backend, Float32Array[]>
  for (const backend of ['cpu', 'wasm'] as const) {
    await tf.setBackend(backend)
    const tensors = tf.tidy(compute[backend])
    out[backend] = tensors.map((t) => t.dataSync() as Float32Array)
    tf.dispose(tensors)
  }
  await tf.setBackend('wasm')
  return out
}

/** Largest |cpu - wasm| relative to the largest |cpu| value (or 1, whichever is larger). */
function maxError(cpu: Float32Array, wasm: Float32Array): number {
  expect(wasm.length).toBe(cpu.length)
  let error = 0
  let scale = 1
  for (let i = 0; i < cpu.length; i++) {
    error = Math.max(error, Math.abs(cpu[i] - wasm[i]))
    scale = Math.max(scale, Math.abs(cpu[i]))
  }
  return error / scale
}

const TOLERANCE = 1e-5
const worst = new Map<string, number>()

function expectClose(name: string, results: Record<Backend, Float32Array[]>): void {
  results.cpu.forEach((cpu, i) => {
    const error = maxError(cpu, results.wasm[i])
    worst.set(name, Math.max(worst.get(name) ?? 0, error))
    expect(error, `${name} output ${i}`).toBeLessThan(TOLERANCE)
  })
}

beforeAll(async () => {
  await initBackend('wasm')
  registerWasmTrainingKernels() // a second call must be harmless
})

describe('conv2d gradients on wasm match cpu', () => {
  const cases: { size: number; stride: number; pad: Pad; kernel: number }[] = []
  for (const size of [7, 8]) {
    for (const stride of [1, 2]) {
      for (const pad of ['same', 'valid', EXPLICIT] as Pad[]) {
        for (const kernel of [1, 3]) cases.push({ size, stride, pad, kernel })
      }
    }
  }
  it.each(cases)('input $size, stride $stride, pad $pad, $kernel x $kernel', async ({ size, stride, pad, kernel }) => {
    const results = await onBoth(() => {
      const x = randomTensor([2, size, size, 3], 1) as tf.Tensor4D
      const w = randomTensor([kernel, kernel, 3, 5], 2) as tf.Tensor4D
      const y = tf.conv2d(x, w, stride, pad as 'same')
      const weights = randomTensor(y.shape, 3)
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad as 'same'), weights)))([
        x,
        w
      ])
      return [dx, dw]
    })
    expectClose('Conv2DBackpropInput + Conv2DBackpropFilter', results)
  })

  it.each([
    // (Numeric pads only with square strides: tfjs 4.22 sizes the output of a
    // numeric pad from the height stride alone, and wasm's forward then
    // writes past it.)
    // (And no 'ceil': tfjs's conv2d gradient drops dimRoundingMode, so cpu's
    // filter gradient then misses a row.)
    { name: '5x5, stride 2, numeric pad 2, rounding down', shape: [3, 10, 9, 4], filter: [5, 5, 4, 2], stride: 2, pad: 2, rounding: 'floor' },
    { name: '3x3, stride [2, 1], same', shape: [2, 9, 10, 3], filter: [3, 3, 3, 4], stride: [2, 1], pad: 'same' },
    {
      name: '2x3 filter, stride 3, uneven explicit pad',
      shape: [2, 11, 9, 2],
      filter: [2, 3, 2, 6],
      stride: 3,
      pad: [
        [0, 0],
        [2, 0],
        [0, 1],
        [0, 0]
      ]
    },
    { name: 'a 1x1 image', shape: [4, 1, 1, 6], filter: [1, 1, 6, 3], stride: 1, pad: 'valid' }
  ] as const)(
    '$name',
    async ({
      shape,
      filter,
      stride,
      pad,
      rounding
    }: {
      shape: readonly number[]
      filter: readonly number[]
      stride: number | readonly number[]
      pad: unknown
      rounding?: 'floor'
    }) => {
      const results = await onBoth(() => {
        const x = randomTensor([...shape], 4) as tf.Tensor4D
        const w = randomTensor([...filter], 5) as tf.Tensor4D
        const conv = (a: tf.Tensor, b: tf.Tensor) =>
          tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride as [number, number], pad as 'same', 'NHWC', 1, rounding)
        const weights = randomTensor(conv(x, w).shape, 6)
        return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), weights)))([x, w])
      })
      expectClose('Conv2DBackpropInput + Conv2DBackpropFilter', results)
    }
  )

  // Big problems are split into blocks of output rows; force tiny blocks.
  it('the filter gradient in blocks of one and of three output rows', async () => {
    const pad: Pad = EXPLICIT
    const attrs = { strides: 2, pad, dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] }
    const inputs = () => ({ x: randomTensor([2, 9, 9, 3], 91), dy: randomTensor([2, 5, 5, 4], 92) })
    for (const rowsPerBlock of [1, 3]) {
      const results = await onEach({
        cpu: () => {
          const { x, dy } = inputs()
          return [tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor]
        },
        wasm: () => {
          const { x, dy } = inputs()
          const backend = tf.backend() as BackendWasm
          const g = convGeometry(x.shape, attrs.filterShape, 2, 1, pad, undefined, false, 'NHWC', dy.shape)
          const out = withScope(backend, [x, dy], (s) => filterGradByGemm(s, x, dy, g, rowsPerBlock * 3 * 3 * 3 * 5 * 2))
          return [tf.engine().makeTensorFromTensorInfo(out)]
        }
      })
      expectClose('Conv2DBackpropInput + Conv2DBackpropFilter', results)
    }
  })
})

describe('depthwise conv2d gradients on wasm match cpu', () => {
  const cases: { size: number; stride: number; pad: Pad; kernel: number; multiplier: number }[] = []
  for (const size of [7, 8]) {
    for (const stride of [1, 2]) {
      for (const pad of ['same', 'valid', EXPLICIT] as Pad[]) {
        for (const [kernel, multiplier] of [
          [3, 1],
          [3, 2],
          [1, 2]
        ])
          cases.push({ size, stride, pad, kernel, multiplier })
      }
    }
  }
  it.each(cases)('input $size, stride $stride, pad $pad, $kernel x $kernel, multiplier $multiplier', async ({ size, stride, pad, kernel, multiplier }) => {
    const results = await onBoth(() => {
      const x = randomTensor([2, size, size, 4], 11) as tf.Tensor4D
      const w = randomTensor([kernel, kernel, 4, multiplier], 12) as tf.Tensor4D
      const conv = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad as 'same')
      const weights = randomTensor(conv(x, w).shape, 13)
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), weights)))([x, w])
    })
    expectClose('DepthwiseConv2dNativeBackpropInput + Filter', results)
  })

  // tf.grad refuses dilated depthwise convolutions, but the kernels take the
  // attr; cpu's kernels ignore it, so the reference is a zero-stuffed 5x5
  // filter at dilation 1 (same taps, same 'same' padding).
  it('dilation 2, against a zero-stuffed filter', async () => {
    const [channels, multiplier] = [3, 2]
    const input = () => randomTensor([2, 9, 8, channels], 21) as tf.Tensor4D
    const filter = () => randomTensor([3, 3, channels, multiplier], 23) as tf.Tensor4D
    const dy = () => randomTensor([2, 9, 8, channels * multiplier], 22) as tf.Tensor4D
    const results = await onEach({
      cpu: () => {
        const stuffed = tf.pad(tf.reshape(filter(), [3, 1, 3, 1, channels, multiplier]), [
          [0, 0],
          [0, 1],
          [0, 0],
          [0, 1],
          [0, 0],
          [0, 0]
        ])
        const wide = tf.slice(tf.reshape(stuffed, [6, 6, channels, multiplier]), [0, 0, 0, 0], [5, 5, channels, multiplier]) as tf.Tensor4D
        const weights = dy()
        const [dx, dWide] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), weights))
        )([input(), wide])
        return [dx, tf.stridedSlice(dWide, [0, 0, 0, 0], [5, 5, channels, multiplier], [2, 2, 1, 1])]
      },
      wasm: () => {
        const attrs = { strides: 1, dilations: 2, pad: 'same' }
        const x = input()
        const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dy(), filter: filter() }, { ...attrs, inputShape: x.shape }) as tf.Tensor
        const dw = tf
          .engine()
          .runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy: dy() }, { ...attrs, filterShape: [3, 3, channels, multiplier] }) as tf.Tensor
        return [dx, dw]
      }
    })
    expectClose('DepthwiseConv2dNativeBackpropInput + Filter', results)
  })
})

describe('the faster replacements of kernels wasm has', () => {
  it('LeakyRelu and its gradient', async () => {
    const results = await onBoth(() => {
      const x = tf.concat([tf.reshape(randomTensor([3, 5, 4, 6], 31), [-1]), tf.tensor1d([0, -0, 1e-30, -1e-30])])
      const dy = randomTensor(x.shape, 32)
      const [dx] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(a, 0.1), dy)))([x])
      return [tf.leakyRelu(x, 0.1), tf.leakyRelu(x, 0.3), dx]
    })
    expectClose('LeakyRelu', results)
    // Our gradient replaces tfjs's on every backend, so also check it by hand.
    const x = results.cpu[0].map((y) => (y < 0 ? y / 0.1 : y))
    const dy = randomValues(x.length, 32)
    results.wasm[2].forEach((dx, i) => expect(dx).toBeCloseTo(x[i] > 0 ? dy[i] : 0.1 * dy[i], 6))
  })

  it('FusedBatchNorm with and without scale and offset, rank 4 and 2', async () => {
    const results = await onBoth(() => {
      const x = randomTensor([2, 3, 5, 6], 41) as tf.Tensor4D
      const mean = randomTensor([6], 42) as tf.Tensor1D
      const variance = tf.add(tf.abs(randomTensor([6], 43)), 0.1) as tf.Tensor1D
      const offset = randomTensor([6], 44) as tf.Tensor1D
      const scale = randomTensor([6], 45) as tf.Tensor1D
      const x2 = tf.reshape(x, [30, 6]) as tf.Tensor2D
      return [
        tf.batchNorm4d(x, mean, variance, offset, scale, 1e-3),
        tf.batchNorm4d(x, mean, variance, undefined, undefined, 1e-5),
        tf.batchNorm2d(x2, mean, variance, offset, undefined, 0.5),
        // Statistics of another rank go to wasm's own kernel.
        tf.batchNorm4d(
          x,
          ...([mean, variance, offset, scale].map((t) => tf.reshape(t, [1, 1, 1, 6])) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D]),
          1e-3
        )
      ]
    })
    expectClose('FusedBatchNorm', results)
  })

  it('Sum and Mean over leading axes, and the cases left to wasm', async () => {
    const results = await onBoth(() => {
      const x = randomTensor([4, 3, 5, 6], 51)
      return [
        tf.sum(x, [0, 1, 2]),
        tf.mean(x, [0, 1, 2], true),
        tf.mean(x, [1, 0]),
        tf.sum(x, 0, true),
        tf.sum(x, [1, 2]),
        tf.mean(x),
        tf.sum(x, -1),
        tf.sum(tf.reshape(x, [1, 360]), 0),
        tf.mean(tf.reshape(x, [1, 1, 360]), [0, 1], true),
        tf.cast(tf.sum(tf.cast(tf.mul(x, 10), 'int32'), [0, 1]), 'float32')
      ]
    })
    expectClose('Sum / Mean', results)
  })

  it('Identity shares the buffer and survives its source', async () => {
    const x = tf.tensor1d([1, 2, 3])
    const copy = tf.clone(x)
    x.dispose()
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3])
    copy.dispose()
  })
})

/** A small conv net from primitives: conv, BN via tf.moments, LeakyReLU, pad, strided conv, depthwise, mean pool, dense. */
function tinyNet(seed: number) {
  const rng = new Rng(seed)
  const variable = (shape: number[], scale: number) =>
    tf.variable(
      tf.tensor(
        Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * rng.normal()),
        shape
      )
    )
  const params = {
    conv1: variable([3, 3, 3, 8], 0.3),
    gamma: variable([8], 0.1),
    beta: variable([8], 0.1),
    conv2: variable([3, 3, 8, 12], 0.2),
    shortcut: variable([1, 1, 8, 12], 0.2),
    depthwise: variable([3, 3, 12, 1], 0.3),
    dense: variable([12, 10], 0.3),
    bias: variable([10], 0.1)
  }
  const apply = (x: tf.Tensor4D) => {
    let h = tf.conv2d(x, params.conv1 as tf.Tensor4D, 1, 'same')
    const { mean, variance } = tf.moments(h, [0, 1, 2])
    h = tf.add(tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5))), params.gamma), params.beta)
    h = tf.leakyRelu(h, 0.1)
    const padded = tf.pad(h, [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0]
    ]) as tf.Tensor4D
    h = tf.add(tf.conv2d(padded, params.conv2 as tf.Tensor4D, 2, 'valid'), tf.conv2d(h as tf.Tensor4D, params.shortcut as tf.Tensor4D, 2, 'same'))
    h = tf.relu(tf.depthwiseConv2d(h as tf.Tensor4D, params.depthwise as tf.Tensor4D, 1, 'same'))
    const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D
    return tf.add(tf.matMul(pooled, params.dense as tf.Tensor2D), params.bias) as tf.Tensor2D
  }
  return { params, apply }
}

function crossEntropy(logits: tf.Tensor2D, labels: number[]): tf.Scalar {
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1])
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar
}

describe('training on wasm', () => {
  it("a small conv net's variableGrads equal cpu's", async () => {
    const results = await onBoth(() => {
      const net = tinyNet(3)
      const x = randomTensor([3, 9, 9, 3], 61) as tf.Tensor4D
      const { value, grads } = tf.variableGrads(() => crossEntropy(net.apply(x), [1, 4, 7]), Object.values(net.params))
      const out = [value, ...Object.values(net.params).map((v) => grads[v.name])]
      Object.values(net.params).forEach((v) => v.dispose())
      return out
    })
    expect(results.wasm.length).toBe(9)
    expectClose('small conv net variableGrads', results)
  })

  // The WRN's own paths: explicit pad 1 at stride 2, 1x1 stride-2 shortcuts, BN via customGrad.
  it.each([
    { architecture: 'small-cnn', size: 12 },
    { architecture: 'wrn-10-1', size: 8 }
  ] as const)("the $architecture model's gradients equal cpu's", async ({ architecture, size }) => {
    const results = await onBoth(() => {
      const model = createModel({ architecture, numClasses: 10, inputShape: [size, size, 3] }, new Rng(5))
      const x = randomTensor([4, size, size, 3], 71) as tf.Tensor4D
      const variables = [...model.params.values()]
      const { value, grads } = tf.variableGrads(() => crossEntropy(model.apply(x, true), [0, 3, 5, 9]), variables)
      const out = [value, ...variables.map((v) => grads[v.name]).filter((g) => g !== undefined)]
      model.dispose()
      return out
    })
    expectClose(`${architecture} variableGrads`, results)
  })

  it('repeated SGD steps leak no tensors, bytes or backend buffers', async () => {
    await tf.setBackend('wasm')
    const net = tinyNet(4)
    const variables = Object.values(net.params)
    const x = randomTensor([4, 10, 10, 3], 81) as tf.Tensor4D
    const step = () => {
      const { value, grads } = tf.variableGrads(() => crossEntropy(net.apply(x), [0, 1, 2, 3]), variables)
      tf.tidy(() => variables.forEach((v) => v.assign(tf.sub(v, tf.mul(grads[v.name], 0.01)))))
      tf.dispose([value, grads])
    }
    step()
    const before = { ...tf.memory(), buffers: tf.backend().numDataIds() }
    for (let i = 0; i < 5; i++) step()
    const after = { ...tf.memory(), buffers: tf.backend().numDataIds() }
    expect(after.numTensors).toBe(before.numTensors)
    expect(after.numBytes).toBe(before.numBytes)
    expect(after.buffers).toBe(before.buffers)
    tf.dispose([x, ...variables])
  })

  it('reports the worst errors seen', () => {
    for (const [name, error] of worst) console.log(`max relative error vs cpu, ${name}: ${error.toExponential(2)}`)
    expect(worst.size).toBeGreaterThan(0)
  })
})
