// The reference-fixture format (see test/fixtures/README.md): one JSON file per
// case, tensors as { shape, dtype, data } with row-major flat data.
import { readFileSync } from 'node:fs'

export type FixtureDtype = 'float32' | 'int32' | 'uint8'

export interface FixtureTensor {
  shape: number[]
  dtype: FixtureDtype
  data: number[]
}

export interface Fixture {
  name: string
  kind: string
  params: Record<string, unknown>
  inputs: Record<string, FixtureTensor>
  expected: Record<string, FixtureTensor>
  tolerance: Record<string, number>
  note?: string
  /** Folder the file was read from, for side files such as weights. */
  dir: string
  file: string
}

export class FixtureFormatError extends Error {}

export function loadFixture(file: string, dir: string): Fixture {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new FixtureFormatError(`${file}: not valid JSON (${(err as Error).message})`)
  }
  if (typeof raw !== 'object' || raw === null) throw new FixtureFormatError(`${file}: expected a JSON object`)
  const obj = raw as Record<string, unknown>
  for (const key of ['name', 'kind'] as const) {
    if (typeof obj[key] !== 'string') throw new FixtureFormatError(`${file}: "${key}" must be a string`)
  }
  const tensors = (field: string): Record<string, FixtureTensor> => {
    const value = obj[field] ?? {}
    if (typeof value !== 'object' || value === null) throw new FixtureFormatError(`${file}: "${field}" must be an object`)
    for (const [name, t] of Object.entries(value as Record<string, unknown>)) checkTensor(file, `${field}.${name}`, t)
    return value as Record<string, FixtureTensor>
  }
  return {
    name: obj.name as string,
    kind: obj.kind as string,
    params: (obj.params as Record<string, unknown>) ?? {},
    inputs: tensors('inputs'),
    expected: tensors('expected'),
    tolerance: (obj.tolerance as Record<string, number>) ?? {},
    note: obj.note as string | undefined,
    dir,
    file
  }
}

function checkTensor(file: string, where: string, t: unknown): void {
  const tensor = t as FixtureTensor
  if (!tensor || !Array.isArray(tensor.shape) || !Array.isArray(tensor.data)) {
    throw new FixtureFormatError(`${file}: ${where} must have "shape" and "data" arrays`)
  }
  const size = tensor.shape.reduce((a, b) => a * b, 1)
  if (size !== tensor.data.length) {
    throw new FixtureFormatError(`${file}: ${where} has ${tensor.data.length} values for shape [${tensor.shape}] (${size} expected)`)
  }
}

/** Typed-array view of a fixture tensor in its own dtype. */
export function toTypedArray(t: FixtureTensor): Float32Array | Int32Array | Uint8Array {
  if (t.dtype === 'int32') return Int32Array.from(t.data)
  if (t.dtype === 'uint8') return Uint8Array.from(t.data)
  return Float32Array.from(t.data)
}

export function param<T>(fx: Fixture, name: string, fallback?: T): T {
  const value = fx.params[name]
  if (value === undefined) {
    if (fallback !== undefined) return fallback
    throw new FixtureFormatError(`${fx.file}: params.${name} is required for kind ${fx.kind}`)
  }
  return value as T
}

export function input(fx: Fixture, name: string): FixtureTensor {
  const t = fx.inputs[name]
  if (!t) throw new FixtureFormatError(`${fx.file}: inputs.${name} is required for kind ${fx.kind}`)
  return t
}

export function expected(fx: Fixture, name: string): FixtureTensor {
  const t = fx.expected[name]
  if (!t) throw new FixtureFormatError(`${fx.file}: expected.${name} is required for kind ${fx.kind}`)
  return t
}
