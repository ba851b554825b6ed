// Captures a run's tensors into a TrainingState and restores them: the
// tfjs side of a checkpoint. The format itself (checkpoint/format.ts) needs no tfjs.
import * as tf from '@tensorflow/tfjs-core'
import type { TensorEntry, TrainingState } from '../checkpoint/format.ts'
import type { Classifier } from './models/types.ts'
import type { ExponentialMovingAverage, Sgd } from './optim.ts'

function read(map: Map<string, tf.Tensor>): Record<string, TensorEntry> {
  const out: Record<string, TensorEntry> = {}
  for (const [name, t] of map) out[name] = { shape: t.shape.slice(), values: t.dataSync() as Float32Array }
  return out
}

export function captureState(
  meta: Pick<TrainingState, 'step' | 'config' | 'splitHash' | 'trainSeconds' | 'best' | 'metricWindow'>,
  model: Classifier,
  sgd: Sgd,
  ema: ExponentialMovingAverage | undefined
): TrainingState {
  return {
    format: 'fixmatch-lab-state/1',
    ...meta,
    tensors: {
      params: read(model.params),
      buffers: read(model.buffers),
      ema: ema ? read(ema.shadows) : {},
      momentum: read(sgd.state())
    }
  }
}

function write(into: Map<string, tf.Variable>, from: Record<string, TensorEntry>, what: string): void {
  tf.tidy(() => {
    for (const [name, variable] of into) {
      const entry = from[name]
      if (!entry) throw new Error(`checkpoint has no ${what} "${name}"`)
      if (entry.shape.join('x') !== variable.shape.join('x')) {
        throw new Error(`checkpoint ${what} "${name}" has shape [${entry.shape}], the model needs [${variable.shape}]`)
      }
      variable.assign(tf.tensor(entry.values, entry.shape, 'float32'))
    }
  })
}

export function restoreState(state: TrainingState, model: Classifier, sgd: Sgd, ema: ExponentialMovingAverage | undefined): void {
  write(model.params, state.tensors.params, 'parameter')
  write(model.buffers, state.tensors.buffers, 'buffer')
  if (ema) write(ema.shadows, state.tensors.ema, 'EMA value')
  sgd.loadState(new Map(Object.entries(state.tensors.momentum).map(([name, entry]) => [name, entry.values])))
}
