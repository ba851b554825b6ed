// wrn_forward: the WRN with PyTorch weights loaded must give PyTorch's logits
// in eval mode (running statistics) and train mode (batch statistics).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../../../shared/rng.ts'
import { checkClose, checkEqual, type Check } from '../compare.ts'
import { expected, FixtureFormatError, input, param, toTypedArray, type Fixture } from '../fixture.ts'
import { loadStateDict, WideResNet, type StateDict } from '../../trainer/models/index.ts'
import type { KindHandler } from './types.ts'

interface WeightEntry {
  name: string
  shape: number[]
  offset: number
  length: number
}

export const wrnForwardCase: KindHandler = async (fx) => {
  const images = input(fx, 'images_nhwc')
  if (images.shape.length !== 4) throw new FixtureFormatError(`${fx.file}: inputs.images_nhwc must be NHWC, got shape [${images.shape}]`)
  const [, height, width, channels] = images.shape
  const model = new WideResNet(
    {
      depth: param<number>(fx, 'depth'),
      width: param<number>(fx, 'width'),
      numClasses: param<number>(fx, 'num_classes'),
      inputChannels: channels,
      bnEps: fx.params.bn_eps as number | undefined,
      leakyReluSlope: fx.params.leaky_relu_slope as number | undefined
    },
    new Rng(0) // every weight is then overwritten by the fixture's
  )
  const x = tf.tensor4d(toTypedArray(images) as Float32Array, [images.shape[0], height, width, channels], 'float32')
  try {
    loadStateDict(model, readWeights(fx))
    const { atol, rtol } = fx.tolerance
    const logitsEval = tf.tidy(() => model.apply(x, false))
    const evalValues = await logitsEval.data()
    logitsEval.dispose()
    // Train mode updates the running statistics: fine, the model is thrown away.
    const logitsTrain = tf.tidy(() => model.apply(x, true))
    const trainValues = await logitsTrain.data()
    logitsTrain.dispose()
    const checks: Check[] = [
      checkClose('logits_eval', evalValues, expected(fx, 'logits_eval').data, atol, rtol),
      checkClose('logits_train_batch_stats', trainValues, expected(fx, 'logits_train_batch_stats').data, atol, rtol)
    ]
    const paramCount = fx.params.param_count
    if (typeof paramCount === 'number') checks.push(checkEqual('param_count', [model.parameterCount()], [paramCount]))
    return checks
  } finally {
    x.dispose()
    model.dispose()
  }
}

/** The PyTorch-layout state dict from the side file: float32 little-endian at the listed offsets. */
function readWeights(fx: Fixture): StateDict {
  const file = resolve(fx.dir, param<string>(fx, 'weights_file'))
  const entries = param<WeightEntry[]>(fx, 'weights')
  if (!Array.isArray(entries)) throw new FixtureFormatError(`${fx.file}: params.weights must be a list`)
  const bytes = readFileSync(file)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const dict: StateDict = new Map()
  for (const entry of entries) {
    const { name, shape, offset, length } = entry
    const size = Array.isArray(shape) ? shape.reduce((a, b) => a * b, 1) : NaN
    if (typeof name !== 'string' || size !== length || !Number.isInteger(offset) || offset < 0) {
      throw new FixtureFormatError(`${fx.file}: params.weights entry ${JSON.stringify({ name, shape, offset, length })} is malformed`)
    }
    if ((offset + length) * 4 > bytes.byteLength) {
      throw new FixtureFormatError(`${fx.file}: weight "${name}" ends past the end of ${param<string>(fx, 'weights_file')}`)
    }
    const values = new Float32Array(length)
    for (let i = 0; i < length; i++) values[i] = view.getFloat32((offset + i) * 4, true)
    dict.set(name, { shape, values })
  }
  return dict
}
