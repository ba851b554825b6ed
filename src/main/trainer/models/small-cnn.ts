// A small CNN for quick CPU/wasm runs (MNIST, CIFAR at low cost): conv3x3 ->
// BN -> LeakyReLU(0.1) blocks that downsample by stride, global mean pool, fc;
// any input size and channel count.
// Same BN conventions as the WRN, so the training code treats both alike.
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../../shared/rng.ts'
import type { Classifier } from './types.ts'
import { batchNorm, type BatchNormLayer } from './batchnorm.ts'
import { conv3x3, dense, globalMeanPool } from './ops.ts'
import { StoredClassifier } from './store.ts'

export interface SmallCnnConfig {
  numClasses: number
  inputChannels: number
  /** Output channels of each conv block. */
  channels?: number[]
  /** Stride of each conv block (same length as channels). */
  strides?: number[]
  /** BN momentum, PyTorch convention (see SMALL_CNN_BN_MOMENTUM). */
  bnMomentum?: number
}

// Measured on MNIST (wasm, batch 64, 400 SGD steps): a stride-2 first block
// keeps the step near 3 ms per image, and the fourth block widens the
// receptive field to the whole digit (three blocks with mean pooling learned
// clearly slower: ~93.5% vs ~95-96% test accuracy at that point).
export const SMALL_CNN_CHANNELS = [32, 64, 128, 128]
export const SMALL_CNN_STRIDES = [2, 2, 2, 1]
// PyTorch's default. The WRN's 0.001 makes the running statistics lag by
// ~1000 steps, longer than a quick run, so eval would use stale statistics.
export const SMALL_CNN_BN_MOMENTUM = 0.1

interface ConvBlock {
  conv: tf.Variable<tf.Rank.R4>
  bn: BatchNormLayer
  stride: number
}

export class SmallCnn extends StoredClassifier implements Classifier {
  readonly architecture = 'small-cnn'
  readonly numClasses: number
  private readonly blocks: ConvBlock[] = []
  private readonly fc: { weight: tf.Variable<tf.Rank.R2>; bias: tf.Variable<tf.Rank.R1> }

  constructor(config: SmallCnnConfig, rng: Rng) {
    const channels = config.channels ?? SMALL_CNN_CHANNELS
    const strides = config.strides ?? SMALL_CNN_STRIDES
    if (channels.length === 0 || strides.length !== channels.length) {
      throw new Error(`small-cnn needs one stride per conv block, got ${channels.length} channels and ${strides.length} strides`)
    }
    super('small-cnn')
    this.numClasses = config.numClasses
    const store = this.store
    let inChannels = config.inputChannels
    channels.forEach((outChannels, i) => {
      this.blocks.push({
        conv: store.conv(`conv${i + 1}`, 3, inChannels, outChannels, rng),
        bn: store.batchNorm(`bn${i + 1}`, outChannels, undefined, config.bnMomentum ?? SMALL_CNN_BN_MOMENTUM),
        stride: strides[i]
      })
      inChannels = outChannels
    })
    this.fc = store.dense('fc', inChannels, config.numClasses, rng)
  }

  apply(images: tf.Tensor4D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      let x = images
      for (const block of this.blocks) {
        x = tf.leakyRelu(batchNorm(conv3x3(x, block.conv, block.stride), block.bn, training), 0.1)
      }
      return dense(globalMeanPool(x), this.fc.weight, this.fc.bias)
    })
  }
}
