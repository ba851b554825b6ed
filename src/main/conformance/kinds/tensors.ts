// Fixture tensors <-> tfjs tensors for the kinds that run on tfjs.
import * as tf from '@tensorflow/tfjs-core'
import type { FixtureTensor } from '../fixture.ts'

export function toTensor(t: FixtureTensor): tf.Tensor {
  const dtype = t.dtype === 'float32' ? 'float32' : 'int32'
  return tf.tensor(t.data, t.shape, dtype)
}

export async function values(t: tf.Tensor): Promise<Float32Array | Int32Array | Uint8Array> {
  return (await t.data()) as Float32Array | Int32Array | Uint8Array
}
