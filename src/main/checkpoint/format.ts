// A checkpoint's contents and its one binary format: everything a run needs to
// continue exactly where it stopped (weights, BN statistics, EMA shadows,
// momentum buffers, the SSL method's own state, the step, which fixes the data
// order and every augmentation seed, and the time already spent). Plain data, no tfjs: the service, the store
// and bundles read it without loading the engine.
import type { RunConfig } from '../../shared/config.ts'
import { storedConfig } from '../../shared/stored-config.ts'
import type { EvalResult } from '../trainer/evaluate.ts'

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
  /**
   * groups: params, buffers, ema, momentum, and method (the SSL method's state, empty for a method
   * without one; absent from checkpoints written before methods had state, read as empty); each name -> tensor
   */
  tensors: Record<Exclude<TensorGroup, 'method'>, Record<string, TensorEntry>> & { method?: Record<string, TensorEntry> }
}

export const TENSOR_GROUPS = ['params', 'buffers', 'ema', 'momentum', 'method'] as const
export type TensorGroup = (typeof TENSOR_GROUPS)[number]

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
  const tensors = Object.fromEntries(TENSOR_GROUPS.map((group) => [group, {}])) as TrainingState['tensors']
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
  // keys added to the schema since the checkpoint was written get their defaults, so it compares equal to the run's config
  return { ...meta, config: storedConfig(meta.config), tensors }
}
