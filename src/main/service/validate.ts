// Requests come from outside (IPC, HTTP): every field is checked here at the
// edge, and a bad one is named in the error.
import { checkField } from '../../shared/config.ts'
import { ServiceError } from './errors.ts'

export type RequestObject = Record<string, unknown>

export function requestObject(value: unknown, command: string): RequestObject {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw new ServiceError(`${command}: the request must be an object`)
  return value as RequestObject
}

export function id(request: RequestObject, field: string): number {
  const value = request[field]
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw new ServiceError(`${field}: expected a positive integer id, got ${show(value)}`, field)
  return value as number
}

export function optionalInt(request: RequestObject, field: string, min: number): number | undefined {
  const value = request[field]
  if (value === undefined || value === null) return undefined
  if (!Number.isSafeInteger(value) || (value as number) < min) throw new ServiceError(`${field}: expected an integer >= ${min}, got ${show(value)}`, field)
  return value as number
}

export function text(request: RequestObject, field: string, maxLength = 10_000): string {
  const value = request[field]
  if (typeof value !== 'string') throw new ServiceError(`${field}: expected text, got ${show(value)}`, field)
  if (value.length > maxLength) throw new ServiceError(`${field}: at most ${maxLength} characters (got ${value.length})`, field)
  return value
}

export function optionalText(request: RequestObject, field: string, maxLength = 10_000): string | undefined {
  return request[field] === undefined || request[field] === null ? undefined : text(request, field, maxLength)
}

export function oneOf<T extends string>(request: RequestObject, field: string, allowed: readonly T[]): T {
  const value = request[field]
  if (!(allowed as readonly unknown[]).includes(value)) throw new ServiceError(`${field}: expected one of ${allowed.join(', ')}, got ${show(value)}`, field)
  return value as T
}

export function list<T>(request: RequestObject, field: string, item: (value: unknown, where: string) => T, options: { optional?: boolean; max?: number } = {}): T[] | undefined {
  const value = request[field]
  if ((value === undefined || value === null) && options.optional) return undefined
  if (!Array.isArray(value)) throw new ServiceError(`${field}: expected a list, got ${show(value)}`, field)
  if (options.max !== undefined && value.length > options.max) throw new ServiceError(`${field}: at most ${options.max} entries (got ${value.length})`, field)
  return value.map((entry, i) => item(entry, `${field}[${i}]`))
}

/** Some config keys and values, each checked against the schema (a ConfigError names the key): the defaults are not filled in. */
export function partialConfig(request: RequestObject, field: string): Record<string, unknown> {
  const value = request[field] ?? {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ServiceError(`${field}: expected an object of config keys`, field)
  // own entries only, so "__proto__" or "toString" in a payload is an unknown key like any other
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, checkField(key, entry)]))
}

export function show(value: unknown): string {
  if (value === undefined) return 'nothing'
  const shown = JSON.stringify(value)
  return shown === undefined ? String(value) : shown.length > 60 ? `${shown.slice(0, 57)}...` : shown
}
