// Captures a run's tensors into a TrainingState and restores them: the
// tfjs side of a checkpoint. The format itself (checkpoint/format.ts) needs no tfjs.
import * as tf from '@tensorflow/tfjs-core'
import type { TensorEntry, TrainingState } from '../checkpoint/format.ts'
import type { Classifier } from './models/types.ts'
import type { ExponentialMovingAverage, Sgd } from './optim.ts'
import { readOrFault } from './gpu-guard.ts'
import type { MethodState } from './methods/types.ts'

/** Awaited reads (a GPU backend cannot read synchronously), all issued before the first is awaited. */
export async function readTensors(map: Map<string, tf.Tensor>): Promise<Record<string, TensorEntry>> {
  const entries = [...map].map(([name, t]) => [name, t.shape.slice(), readOrFault(t)] as const)
  const out: Record<string, TensorEntry> = {}
  for (const [name, shape, values] of entries) out[name] = { shape, values: (await values) as Float32Array }
  return out
}

export async function captureState(
  meta: Pick<TrainingState, 'step' | 'config' | 'splitHash' | 'trainSeconds' | 'best' | 'metricWindow'>,
  model: Classifier,
  sgd: Sgd,
  ema: ExponentialMovingAverage | undefined,
  methodState: MethodState | undefined
): Promise<TrainingState> {
  return {
    format: 'fixmatch-lab-state/1',
    ...meta,
    tensors: {
      params: await readTensors(model.params),
      buffers: await readTensors(model.buffers),
      ema: ema ? await readTensors(ema.shadows) : {},
      momentum: await readTensors(sgd.state()),
      method: methodState ? await methodState.capture() : {}
    }
  }
}

/** Assigns each variable its checkpoint entry; throws naming a missing or misshapen one (`what`: e.g. 'parameter'). */
export function writeVariables(into: Map<string, tf.Variable>, from: Record<string, TensorEntry>, what: string): void {
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

export function restoreState(
  state: TrainingState,
  model: Classifier,
  sgd: Sgd,
  ema: ExponentialMovingAverage | undefined,
  methodState: MethodState | undefined
): void {
  writeVariables(model.params, state.tensors.params, 'parameter')
  writeVariables(model.buffers, state.tensors.buffers, 'buffer')
  if (ema) writeVariables(ema.shadows, state.tensors.ema, 'EMA value')
  methodState?.restore(state.tensors.method ?? {})
  sgd.loadState(new Map(Object.entries(state.tensors.momentum).map(([name, entry]) => [name, entry.values])))
}
