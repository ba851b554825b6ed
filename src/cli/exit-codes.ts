// The CLI's exit statuses: one table for every command, so that a script can
// tell a typo from a missing run from a busy store without reading messages.
// README.md's "Exit statuses" lists the same table.
import { errorKind, type ErrorKind } from '../main/service/errors.ts'
import { StoreMissingError } from '../main/store/index.ts'

export const EXIT = {
  /** done (also when the reader of stdout closed it early, as `runs | head` does) */
  ok: 0,
  /** the work itself failed: a run failed, a fixture case failed, an unexpected error */
  failed: 1,
  /** the command line or the config is wrong: a bad flag, value, key or file */
  usage: 2,
  /** a run, experiment or checkpoint with that id does not exist */
  notFound: 3,
  /** the lab cannot be reached or used now: service unreachable, store locked, busy or read-only */
  unavailable: 4,
  /** stopped by Ctrl-C or SIGTERM (runs paused with a checkpoint): 128 + SIGINT */
  interrupted: 130
} as const

export type ExitKind = keyof typeof EXIT

const EXIT_OF_SERVICE_KIND: Record<ErrorKind, ExitKind> = {
  invalid: 'usage',
  'not-found': 'notFound',
  unavailable: 'unavailable',
  conflict: 'failed',
  'disk-full': 'failed',
  internal: 'failed'
}

/** The exit kind for an error a service or the store threw (the same kinds the HTTP bridge maps to statuses). */
export function exitKindOf(error: unknown): ExitKind {
  // a home with no store yet holds no run or experiment with any id
  if (error instanceof StoreMissingError) return 'notFound'
  return EXIT_OF_SERVICE_KIND[errorKind(error)]
}

/** The exit kind for an HTTP error status of a running service's API (api-route.ts's STATUS_OF, read back). */
export function exitKindOfHttpStatus(status: number): ExitKind {
  if (status === 400) return 'usage'
  if (status === 404) return 'notFound'
  if (status === 401 || status === 403 || status === 503) return 'unavailable'
  return 'failed'
}
