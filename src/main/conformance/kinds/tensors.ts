// Fixture tensors <-> tfjs tensors for the kinds that run on tfjs.
import * as tf from '@tensorflow/tfjs-core'
import { checkClose, type Check } from '../compare.ts'
import { expected, type Fixture, type FixtureTensor } from '../fixture.ts'

export function toTensor(t: FixtureTensor): tf.Tensor {
  const dtype = t.dtype === 'float32' ? 'float32' : 'int32'
  return tf.tensor(t.data, t.shape, dtype)
}

export async function values(t: tf.Tensor): Promise<Float32Array | Int32Array | Uint8Array> {
  return (await t.data()) as Float32Array | Int32Array | Uint8Array
}

/** Compares a computed tensor with the fixture's expected one of that name, at the fixture's atol/rtol. */
export function closeTo(fx: Fixture) {
  const atol = fx.tolerance.atol ?? 0
  const rtol = fx.tolerance.rtol ?? 0
  return async (name: string, got: tf.Tensor | ArrayLike<number>): Promise<Check> =>
    checkClose(name, got instanceof tf.Tensor ? await values(got) : got, expected(fx, name).data, atol, rtol)
}

/** Runs fn with the fixture's tensors and disposes everything it made. */
export async function withScope<T>(fn: () => Promise<T>): Promise<T> {
  tf.engine().startScope()
  try {
    return await fn()
  } finally {
    tf.engine().endScope()
  }
}
