// A run's life: which status may follow which. Finished, failed and cancelled
// are final; running such a config again is a retry, which makes a new run
// (linked by retry_of) so a record never changes its outcome. The statuses
// themselves are the contract's (shared/api.ts).
import { RUN_STATUSES, type RunStatus } from '../../shared/api.ts'

export { RUN_STATUSES, type RunStatus }

export const TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  // paused from queued: held in the queue, skipped by nextQueued until resumed
  queued: ['running', 'paused', 'cancelled'],
  running: ['paused', 'interrupted', 'finished', 'failed', 'cancelled'],
  paused: ['queued', 'running', 'cancelled'],
  // failed from interrupted: recovery found nothing to resume from
  interrupted: ['queued', 'running', 'failed', 'cancelled'],
  finished: [],
  failed: [],
  cancelled: []
}

/** Statuses that hold a place in the queue (queue_position is set exactly for these). */
export const QUEUE_STATUSES: readonly RunStatus[] = ['queued', 'paused', 'interrupted']

export const FINAL_STATUSES: readonly RunStatus[] = ['finished', 'failed', 'cancelled']

export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === 'string' && (RUN_STATUSES as readonly string[]).includes(value)
}
