// Wide ResNet as in the study's PyTorch code (the FixMatch reimplementation's
// wideresnet.py): pre-activation BasicBlocks, LeakyReLU 0.1, BN momentum 0.001.
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../../shared/rng.ts'
import type { Classifier } from './types.ts'
import { batchNorm, updateRunningStatistics, type BatchNormLayer } from './batchnorm.ts'
import { conv1x1, conv3x3, dense, globalMeanPool } from './ops.ts'
import { BN_EPS, StoredClassifier } from './store.ts'

export interface WideResNetConfig {
  depth: number
  width: number
  numClasses: number
  inputChannels: number
  /** Overrides for conformance cases; the study uses 1e-5 and 0.1. */
  bnEps?: number
  leakyReluSlope?: number
}

interface BasicBlock {
  /** state_dict prefix, e.g. "block2.0". */
  name: string
  bn1: BatchNormLayer
  conv1: tf.Variable<tf.Rank.R4>
  bn2: BatchNormLayer
  conv2: tf.Variable<tf.Rank.R4>
  /** Only when in != out channels. */
  convShortcut?: tf.Variable<tf.Rank.R4>
  stride: number
  activateBeforeResidual: boolean
}

/** Blocks per group, n = (depth - 4) / 6; throws for a depth that does not fit. */
export function blocksPerGroup(depth: number): number {
  if (!Number.isInteger(depth) || depth < 10 || (depth - 4) % 6 !== 0) {
    throw new Error(`WRN depth must be 6n+4 with n >= 1 (e.g. 28), got ${depth}`)
  }
  return (depth - 4) / 6
}

export class WideResNet extends StoredClassifier implements Classifier {
  readonly architecture: string
  readonly numClasses: number
  private readonly stem: tf.Variable<tf.Rank.R4>
  private readonly blocks: BasicBlock[] = []
  private readonly finalBn: BatchNormLayer
  private readonly fc: { weight: tf.Variable<tf.Rank.R2>; bias: tf.Variable<tf.Rank.R1> }
  private readonly slope: number

  /** Creates the variables in PyTorch's module order, so the state_dict order and the init draws match. */
  constructor(config: WideResNetConfig, rng: Rng) {
    const n = blocksPerGroup(config.depth)
    if (!Number.isInteger(config.width) || config.width < 1) throw new Error(`WRN width must be a positive integer, got ${config.width}`)
    super(`wrn-${config.depth}-${config.width}`)
    this.architecture = `wrn-${config.depth}-${config.width}`
    this.numClasses = config.numClasses
    this.slope = config.leakyReluSlope ?? 0.1
    const eps = config.bnEps ?? BN_EPS
    const store = this.store

    const channels = [16, 16 * config.width, 32 * config.width, 64 * config.width]
    this.stem = store.conv('conv1', 3, config.inputChannels, channels[0], rng)
    const groupStrides = [1, 2, 2]
    for (let g = 0; g < 3; g++) {
      for (let i = 0; i < n; i++) {
        const inChannels = i === 0 ? channels[g] : channels[g + 1]
        const outChannels = channels[g + 1]
        const name = `block${g + 1}.${i}`
        this.blocks.push({
          name,
          bn1: store.batchNorm(`${name}.bn1`, inChannels, eps),
          conv1: store.conv(`${name}.conv1`, 3, inChannels, outChannels, rng),
          bn2: store.batchNorm(`${name}.bn2`, outChannels, eps),
          conv2: store.conv(`${name}.conv2`, 3, outChannels, outChannels, rng),
          convShortcut: inChannels === outChannels ? undefined : store.conv(`${name}.convShortcut`, 1, inChannels, outChannels, rng),
          stride: i === 0 ? groupStrides[g] : 1,
          activateBeforeResidual: g === 0
        })
      }
    }
    this.finalBn = store.batchNorm('bn1', channels[3], eps)
    this.fc = store.dense('fc', channels[3], config.numClasses, rng)
  }

  apply(images: tf.Tensor4D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      let x = conv3x3(images, this.stem, 1)
      for (const block of this.blocks) x = this.basicBlock(x, block, training)
      x = this.activate(batchNorm(x, this.finalBn, training))
      return dense(globalMeanPool(x), this.fc.weight, this.fc.bias)
    })
  }

  /** Parameters that never get a gradient: the unused bn1 described at basicBlock (as PyTorch: grad None). */
  parametersWithoutGradient(): string[] {
    return this.blocks
      .filter((block) => block.convShortcut !== undefined && !block.activateBeforeResidual)
      .flatMap((block) => [`${block.name}.bn1.weight`, `${block.name}.bn1.bias`])
  }

  /**
   * The reference forward, quirk included: in the first block of groups 2 and
   * 3 (channels change, no activate-before-residual) bn1's output is unused
   * and conv1 and the shortcut read the raw input. PyTorch still updates that
   * bn1's running statistics in training mode, so we do too; its weight and
   * bias get no gradient.
   */
  private basicBlock(x: tf.Tensor4D, block: BasicBlock, training: boolean): tf.Tensor4D {
    const equalInOut = block.convShortcut === undefined
    let convInput: tf.Tensor4D
    if (equalInOut) {
      convInput = this.activate(batchNorm(x, block.bn1, training))
    } else if (block.activateBeforeResidual) {
      x = this.activate(batchNorm(x, block.bn1, training))
      convInput = x
    } else {
      if (training) updateRunningStatistics(x, block.bn1)
      convInput = x
    }
    const hidden = this.activate(batchNorm(conv3x3(convInput, block.conv1, block.stride), block.bn2, training))
    const residual = conv3x3(hidden, block.conv2, 1)
    const shortcut = block.convShortcut === undefined ? x : conv1x1(x, block.convShortcut, block.stride)
    return tf.add(shortcut, residual)
  }

  private activate(x: tf.Tensor4D): tf.Tensor4D {
    return tf.leakyRelu(x, this.slope)
  }
}
