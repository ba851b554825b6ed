// Everything a run needs to continue exactly where it stopped: weights, BN
// statistics, EMA shadows, momentum buffers, the step (which fixes the data
// order and every augmentation seed) and the time already spent.
import * as tf from '@tensorflow/tfjs-core'
import type { RunConfig } from '../../shared/config.ts'
import type { Classifier } from './models/types.ts'
import type { ExponentialMovingAverage, Sgd } from './optim.ts'
import type { EvalResult } from './evaluate.ts'
import { readOrFault } from './gpu-guard.ts'

export interface TensorEntry {
  shape: number[]
  values: Float32Array
}

export interface TrainingState {
  format: 'fixmatch-lab-state/1'
  step: number
  config: RunConfig
  splitHash: string
  trainSeconds: number
  best?: EvalResult
  /** partial sums of the current logging window, so metrics after a resume equal an uninterrupted run's */
  metricWindow?: Record<string, { total: number; count: number }>
  /** groups: params, buffers, ema, momentum; each name -> tensor */
  tensors: Record<'params' | 'buffers' | 'ema' | 'momentum', Record<string, TensorEntry>>
}

/** Awaited reads (a GPU backend cannot read synchronously), all issued before the first is awaited. */
async function read(map: Map<string, tf.Tensor>): Promise<Record<string, TensorEntry>> {
  const entries = [...map].map(([name, t]) => [name, t.shape.slice(), readOrFault(t)] as const)
  const out: Record<string, TensorEntry> = {}
  for (const [name, shape, values] of entries) out[name] = { shape, values: (await values) as Float32Array }
  return out
}

export async function captureState(
  meta: Pick<TrainingState, 'step' | 'config' | 'splitHash' | 'trainSeconds' | 'best' | 'metricWindow'>,
  model: Classifier,
  sgd: Sgd,
  ema: ExponentialMovingAverage | undefined
): Promise<TrainingState> {
  return {
    format: 'fixmatch-lab-state/1',
    ...meta,
    tensors: {
      params: await read(model.params),
      buffers: await read(model.buffers),
      ema: ema ? await read(ema.shadows) : {},
      momentum: await read(sgd.state())
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

const MAGIC = 'FMLSTATE'

/** One self-describing binary: magic, header length, JSON header, float32 blocks. */
export function serializeState(state: TrainingState): Buffer {
  const blocks: Float32Array[] = []
  let offset = 0
  const layout: Record<string, Record<string, { shape: number[]; offset: number; length: number }>> = {}
  for (const [group, entries] of Object.entries(state.tensors)) {
    layout[group] = {}
    for (const [name, entry] of Object.entries(entries)) {
      layout[group][name] = { shape: entry.shape, offset, length: entry.values.length }
      blocks.push(entry.values)
      offset += entry.values.length
    }
  }
  const { tensors: _omit, ...meta } = state
  const header = Buffer.from(JSON.stringify({ ...meta, layout }), 'utf8')
  const out = Buffer.alloc(8 + 4 + header.length + offset * 4)
  out.write(MAGIC, 0, 'ascii')
  out.writeUInt32LE(header.length, 8)
  header.copy(out, 12)
  let position = 12 + header.length
  for (const block of blocks) {
    Buffer.from(block.buffer, block.byteOffset, block.byteLength).copy(out, position)
    position += block.byteLength
  }
  return out
}

export class CorruptStateError extends Error {}

export function deserializeState(bytes: Buffer, source = 'checkpoint'): TrainingState {
  if (bytes.length < 12 || bytes.toString('ascii', 0, 8) !== MAGIC) throw new CorruptStateError(`${source}: not a FixMatch Lab checkpoint`)
  const headerLength = bytes.readUInt32LE(8)
  if (12 + headerLength > bytes.length) throw new CorruptStateError(`${source}: truncated (header runs past the end)`)
  let header: Omit<TrainingState, 'tensors'> & { layout: Record<string, Record<string, { shape: number[]; offset: number; length: number }>> }
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength))
  } catch {
    throw new CorruptStateError(`${source}: header is not valid JSON`)
  }
  if (header.format !== 'fixmatch-lab-state/1') throw new CorruptStateError(`${source}: unknown format ${String(header.format)}`)
  const dataStart = 12 + headerLength
  const floats = (bytes.length - dataStart) / 4
  const tensors = { params: {}, buffers: {}, ema: {}, momentum: {} } as TrainingState['tensors']
  for (const [group, entries] of Object.entries(header.layout)) {
    for (const [name, { shape, offset, length }] of Object.entries(entries)) {
      if (offset + length > floats) throw new CorruptStateError(`${source}: truncated (${group} "${name}" runs past the end)`)
      const values = new Float32Array(length)
      const start = dataStart + offset * 4
      Buffer.from(values.buffer).set(bytes.subarray(start, start + length * 4))
      ;(tensors as Record<string, Record<string, TensorEntry>>)[group][name] = { shape, values }
    }
  }
  const { layout: _layout, ...meta } = header
  return { ...meta, tensors }
}
