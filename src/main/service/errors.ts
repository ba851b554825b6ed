// What goes wrong in a command, as the client sees it: a message a person can
// act on, the field at fault if any, and the kind (which the HTTP bridge maps
// to a status code).
import type { ApiError } from '../../shared/api.ts'
import { ConfigError } from '../../shared/config.ts'
import { InvalidTransitionError, NotFoundError, StoreBusyError, StoreFullError, StoreInputError, StoreLockedError, StoreReadonlyError } from '../store/index.ts'

export type ErrorKind = 'invalid' | 'not-found' | 'conflict' | 'unavailable' | 'disk-full' | 'internal'

export class ServiceError extends Error {
  constructor(
    message: string,
    readonly field?: string,
    readonly kind: ErrorKind = 'invalid'
  ) {
    super(message)
  }
}

export function errorKind(error: unknown): ErrorKind {
  if (error instanceof ServiceError) return error.kind
  if (error instanceof NotFoundError) return 'not-found'
  if (error instanceof StoreInputError || error instanceof ConfigError) return 'invalid'
  if (error instanceof InvalidTransitionError) return 'conflict'
  if (error instanceof StoreFullError) return 'disk-full'
  if (error instanceof StoreBusyError || error instanceof StoreLockedError || error instanceof StoreReadonlyError) return 'unavailable'
  return 'internal'
}

/** The contract's error shape for anything a handler threw. */
export function toApiError(error: unknown): ApiError {
  const message = error instanceof Error ? error.message : String(error)
  let field: string | undefined
  if (error instanceof ServiceError || error instanceof StoreInputError) field = error.field
  else if (error instanceof ConfigError && error.key) field = error.key
  return field ? { message, field } : { message }
}
