// Owns a model's tf.Variables, keyed by PyTorch state_dict names. Variable
// names get a per-model prefix because tfjs requires them to be unique in the
// process (a run holds the model and its EMA copy at once).
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../../shared/rng.ts'
import type { BatchNormLayer } from './batchnorm.ts'
import { kaimingNormalConv, xavierNormalDense } from './init.ts'

export const BN_MOMENTUM = 0.001
export const BN_EPS = 1e-5

let modelsCreated = 0

export class ParamStore {
  readonly params = new Map<string, tf.Variable>()
  readonly buffers = new Map<string, tf.Variable>()
  private readonly prefix: string

  constructor(kind: string) {
    this.prefix = `${kind}_${modelsCreated++}/`
  }

  /** Conv weight `${name}.weight`, HWIO, kaiming normal (fan_out). No bias. */
  conv(name: string, kernel: number, inChannels: number, outChannels: number, rng: Rng): tf.Variable<tf.Rank.R4> {
    const values = kaimingNormalConv(rng, kernel, kernel, inChannels, outChannels)
    return this.add(this.params, `${name}.weight`, [kernel, kernel, inChannels, outChannels], values, true) as tf.Variable<tf.Rank.R4>
  }

  /** BN with weight 1, bias 0, running mean 0, running var 1 (PyTorch's defaults). */
  batchNorm(name: string, channels: number, eps = BN_EPS, momentum = BN_MOMENTUM): BatchNormLayer {
    const ones = () => new Float32Array(channels).fill(1)
    const vector = (into: Map<string, tf.Variable>, suffix: string, values: Float32Array, trainable: boolean) =>
      this.add(into, `${name}.${suffix}`, [channels], values, trainable) as tf.Variable<tf.Rank.R1>
    return {
      weight: vector(this.params, 'weight', ones(), true),
      bias: vector(this.params, 'bias', new Float32Array(channels), true),
      runningMean: vector(this.buffers, 'running_mean', new Float32Array(channels), false),
      runningVar: vector(this.buffers, 'running_var', ones(), false),
      momentum,
      eps
    }
  }

  /** Dense layer, weight [in, out] xavier normal, bias 0. */
  dense(name: string, inFeatures: number, outFeatures: number, rng: Rng): { weight: tf.Variable<tf.Rank.R2>; bias: tf.Variable<tf.Rank.R1> } {
    const weight = this.add(this.params, `${name}.weight`, [inFeatures, outFeatures], xavierNormalDense(rng, inFeatures, outFeatures), true)
    const bias = this.add(this.params, `${name}.bias`, [outFeatures], new Float32Array(outFeatures), true)
    return { weight: weight as tf.Variable<tf.Rank.R2>, bias: bias as tf.Variable<tf.Rank.R1> }
  }

  parameterCount(): number {
    let total = 0
    for (const v of this.params.values()) total += v.size
    return total
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose()
    for (const v of this.buffers.values()) v.dispose()
  }

  private add(into: Map<string, tf.Variable>, name: string, shape: number[], values: Float32Array, trainable: boolean): tf.Variable {
    if (this.params.has(name) || this.buffers.has(name)) throw new Error(`duplicate parameter name ${name}`)
    const initial = tf.tensor(values, shape, 'float32')
    const variable = tf.variable(initial, trainable, this.prefix + name)
    initial.dispose()
    into.set(name, variable)
    return variable
  }
}

/** What every model shares: its variables live in a ParamStore keyed by PyTorch names. */
export abstract class StoredClassifier {
  readonly params: Map<string, tf.Variable>
  readonly buffers: Map<string, tf.Variable>
  protected readonly store: ParamStore

  constructor(kind: string) {
    this.store = new ParamStore(kind)
    this.params = this.store.params
    this.buffers = this.store.buffers
  }

  /** Weight decay by default on conv and dense weights only (rank > 1), as the study. */
  decays(paramName: string): boolean {
    const variable = this.params.get(paramName)
    return variable !== undefined && variable.rank > 1
  }

  parameterCount(): number {
    return this.store.parameterCount()
  }

  dispose(): void {
    this.store.dispose()
  }
}
