// SGD with (Nesterov) momentum and weight decay in PyTorch's semantics, and an
// exponential moving average of weights, both over named tf.Variables.
import * as tf from '@tensorflow/tfjs-core'

export interface SgdOptions {
  momentum: number
  nesterov: boolean
  weightDecay: number
}

export interface NamedParam {
  name: string
  variable: tf.Variable
  /** weight decay applies (by default conv and dense weights only) */
  decay: boolean
}

/**
 * One PyTorch SGD update per call:
 *   g = grad + wd*p (decayed params only); buf = momentum*buf + g;
 *   step = nesterov ? g + momentum*buf : buf;  p = p - lr*step.
 * PyTorch starts buf at g on the first step, which equals 0*momentum + g.
 */
export class Sgd {
  private readonly momentumBuffers = new Map<string, tf.Variable>()

  constructor(
    private readonly params: NamedParam[],
    private readonly options: SgdOptions
  ) {
    if (options.nesterov && options.momentum <= 0) throw new Error('Nesterov momentum needs momentum > 0')
  }

  /** Applies one update. Params without a gradient (unused in the graph) are left as they are. */
  step(grads: Record<string, tf.Tensor>, lr: number): void {
    const { momentum, nesterov, weightDecay } = this.options
    tf.tidy(() => {
      for (const { name, variable, decay } of this.params) {
        const grad = grads[name]
        if (!grad) continue
        let g = decay && weightDecay !== 0 ? tf.add(grad, tf.mul(variable, weightDecay)) : grad
        if (momentum !== 0) {
          const buf = this.buffer(name, variable)
          const newBuf = tf.add(tf.mul(buf, momentum), g)
          buf.assign(newBuf)
          g = nesterov ? tf.add(g, tf.mul(newBuf, momentum)) : newBuf
        }
        variable.assign(tf.sub(variable, tf.mul(g, lr)))
      }
    })
  }

  private buffer(name: string, like: tf.Variable): tf.Variable {
    let buf = this.momentumBuffers.get(name)
    if (!buf) {
      buf = tf.tidy(() => tf.variable(tf.zerosLike(like), false))
      this.momentumBuffers.set(name, buf)
    }
    return buf
  }

  /** Momentum buffers by parameter name, for checkpoints. */
  state(): Map<string, tf.Variable> {
    return this.momentumBuffers
  }

  loadState(buffers: Map<string, Float32Array>): void {
    for (const { name, variable } of this.params) {
      const values = buffers.get(name)
      if (!values) continue
      const buf = this.buffer(name, variable)
      buf.assign(tf.tensor(values, variable.shape, 'float32'))
    }
  }

  dispose(): void {
    for (const buf of this.momentumBuffers.values()) buf.dispose()
    this.momentumBuffers.clear()
  }
}

/** ema = decay*ema + (1-decay)*value, returned as a new tensor. */
export function emaBlend(ema: tf.Tensor, value: tf.Tensor, decay: number): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(ema, decay), tf.mul(value, 1 - decay)))
}

export type EmaBufferMode = 'average' | 'copy'

/**
 * Shadow copies of a model's weights and BN running statistics; evaluation
 * uses them. Weights move towards the live values after each update. The BN
 * statistics are averaged the same way ('average') or, as the study's code
 * did, copied from the live model ('copy').
 */
export class ExponentialMovingAverage {
  readonly shadows = new Map<string, tf.Variable>()

  constructor(
    private readonly params: Map<string, tf.Variable>,
    private readonly buffers: Map<string, tf.Variable>,
    private readonly decay: number,
    private readonly bufferMode: EmaBufferMode = 'average'
  ) {
    for (const [name, variable] of [...params, ...buffers]) {
      this.shadows.set(
        name,
        tf.tidy(() => tf.variable(tf.clone(variable), false))
      )
    }
  }

  update(): void {
    tf.tidy(() => {
      for (const [name, variable] of this.params) this.shadows.get(name)!.assign(emaBlend(this.shadows.get(name)!, variable, this.decay))
      for (const [name, variable] of this.buffers) {
        const shadow = this.shadows.get(name)!
        shadow.assign(this.bufferMode === 'copy' ? tf.clone(variable) : emaBlend(shadow, variable, this.decay))
      }
    })
  }

  dispose(): void {
    for (const shadow of this.shadows.values()) shadow.dispose()
    this.shadows.clear()
  }
}
