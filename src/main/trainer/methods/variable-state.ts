// A method state held in tfjs variables (per-class or per-image records on the
// device): captured and restored like the model's own variables.
import type * as tf from '@tensorflow/tfjs-core'
import { readTensors, writeVariables } from '../state.ts'
import type { MethodState } from './types.ts'

export function variableState(variables: Map<string, tf.Variable>): MethodState {
  return {
    capture: () => readTensors(variables),
    restore: (entries) => writeVariables(variables, entries, 'method state'),
    dispose: () => {
      for (const variable of variables.values()) variable.dispose()
    }
  }
}
