// Every failure the renderer shows goes through ApiError: a sentence a person
// can act on, and the config field at fault when there is one.
import type { ApiError as ApiErrorShape } from '../../../shared/api.ts'
import { isConfigKey } from '../../../shared/config.ts'

export class ApiError extends Error implements ApiErrorShape {
  readonly field?: string
  /** HTTP status when the error came from the headless bridge */
  readonly status?: number

  constructor(message: string, options: { field?: string; status?: number } = {}) {
    super(message)
    this.name = 'ApiError'
    if (options.field) this.field = options.field
    if (options.status !== undefined) this.status = options.status
  }
}

/** Turns anything thrown by a bridge or fetch into an ApiError. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  if (isShape(error)) return new ApiError(error.message, { field: fieldOf(error.message, error.field) })
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'Something went wrong, with no further detail.'
  const field = error instanceof Error && 'field' in error && typeof error.field === 'string' ? error.field : undefined
  return new ApiError(message, { field: fieldOf(message, field) })
}

function isShape(value: unknown): value is ApiErrorShape {
  return typeof value === 'object' && value !== null && !(value instanceof Error) && typeof (value as ApiErrorShape).message === 'string'
}

// ConfigError messages start with "key: ", which names the field even when
// the transport dropped it.
function fieldOf(message: string, given: string | undefined): string | undefined {
  if (given) return given
  const key = /^([A-Za-z]+): /.exec(message)?.[1]
  return key && isConfigKey(key) ? key : undefined
}
