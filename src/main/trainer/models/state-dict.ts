// Exchange of weights with PyTorch: a state dict holds each tensor in PyTorch's
// layout (conv OIHW, linear [out, in]); our variables are tfjs's (conv HWIO,
// dense [in, out]). Rank decides the conversion: 4 = conv, 2 = linear.
import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from './types.ts'

export interface TorchTensor {
  /** PyTorch shape. */
  shape: number[]
  /** Row-major values in PyTorch layout. */
  values: Float32Array
}

export type StateDict = Map<string, TorchTensor>

/** PyTorch layout -> tfjs layout (values copied). */
export function torchToTfjs(tensor: TorchTensor): { shape: number[]; values: Float32Array } {
  const { shape, values } = tensor
  checkSize(shape, values)
  if (shape.length === 4) {
    const [o, i, h, w] = shape
    const out = new Float32Array(values.length)
    for (let oo = 0; oo < o; oo++)
      for (let ii = 0; ii < i; ii++)
        for (let hh = 0; hh < h; hh++) for (let ww = 0; ww < w; ww++) out[((hh * w + ww) * i + ii) * o + oo] = values[((oo * i + ii) * h + hh) * w + ww]
    return { shape: [h, w, i, o], values: out }
  }
  if (shape.length === 2) return { shape: [shape[1], shape[0]], values: transpose2d(values, shape[0], shape[1]) }
  return { shape: [...shape], values: values.slice() }
}

/** tfjs layout -> PyTorch layout (values copied). */
export function tfjsToTorch(shape: number[], values: Float32Array): TorchTensor {
  checkSize(shape, values)
  if (shape.length === 4) {
    const [h, w, i, o] = shape
    const out = new Float32Array(values.length)
    for (let hh = 0; hh < h; hh++)
      for (let ww = 0; ww < w; ww++)
        for (let ii = 0; ii < i; ii++) for (let oo = 0; oo < o; oo++) out[((oo * i + ii) * h + hh) * w + ww] = values[((hh * w + ww) * i + ii) * o + oo]
    return { shape: [o, i, h, w], values: out }
  }
  if (shape.length === 2) return { shape: [shape[1], shape[0]], values: transpose2d(values, shape[0], shape[1]) }
  return { shape: [...shape], values: values.slice() }
}

/**
 * The key our models use for a PyTorch key: drops DataParallel's "module."
 * prefix and nn.Sequential's ".layer." inside WRN groups ("block1.layer.0.x").
 */
export function normaliseTorchKey(key: string): string {
  return key.replace(/^module\./, '').replace(/^(block\d+)\.layer\./, '$1.')
}

/**
 * Copies every parameter and buffer of the model from a PyTorch state dict.
 * Strict like PyTorch's load_state_dict: a missing key, an unexpected key or a
 * wrong shape throws (num_batches_tracked entries are ignored: we keep no count).
 */
export function loadStateDict(model: Classifier, dict: StateDict): void {
  const byKey = new Map<string, TorchTensor>()
  for (const [key, tensor] of dict) {
    if (key.endsWith('num_batches_tracked')) continue
    byKey.set(normaliseTorchKey(key), tensor)
  }
  const targets = new Map([...model.params, ...model.buffers])
  const unexpected = [...byKey.keys()].filter((key) => !targets.has(key))
  if (unexpected.length > 0) throw new Error(`state dict has keys the ${model.architecture} does not: ${unexpected.join(', ')}`)
  const converted = new Map<string, { shape: number[]; values: Float32Array }>()
  for (const [name, variable] of targets) {
    const tensor = byKey.get(name)
    if (!tensor) throw new Error(`state dict lacks "${name}" (${model.architecture})`)
    const tfjs = torchToTfjs(tensor)
    if (tfjs.shape.join(',') !== variable.shape.join(',')) {
      throw new Error(`state dict "${name}": PyTorch shape [${tensor.shape}] does not fit the model's [${variable.shape}] (tfjs layout)`)
    }
    converted.set(name, tfjs)
  }
  // Assign only after every entry checked, so a bad dict leaves the model untouched.
  for (const [name, { shape, values }] of converted) {
    tf.tidy(() => targets.get(name)!.assign(tf.tensor(values, shape, 'float32')))
  }
}

/** The model's parameters, then its buffers, in PyTorch layout and naming. */
export async function readStateDict(model: Classifier): Promise<StateDict> {
  const dict: StateDict = new Map()
  for (const [name, variable] of [...model.params, ...model.buffers]) {
    dict.set(name, tfjsToTorch(variable.shape, (await variable.data()) as Float32Array))
  }
  return dict
}

function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]
  return out
}

function checkSize(shape: number[], values: Float32Array): void {
  const size = shape.reduce((a, b) => a * b, 1)
  if (size !== values.length) throw new Error(`tensor of shape [${shape}] needs ${size} values, got ${values.length}`)
}
