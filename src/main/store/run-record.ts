// The run row as callers see it, and the mapping from SQLite's columns.
import { createHash } from 'node:crypto'
import type { Database, Statement } from 'better-sqlite3'
import { canonicalConfig, type RunConfig, type Variant } from '../../shared/config.ts'
import { NotFoundError } from './errors.ts'
import { parseJsonColumn } from './rows.ts'
import type { RunStatus } from './run-status.ts'

export interface RunRecord {
  id: number
  experimentId: number | null
  /** the run this one retries, if any */
  retryOf: number | null
  config: RunConfig
  /** sha256 of canonicalConfig(config): equal configs, equal hashes */
  configHash: string
  variant: Variant
  seed: number
  splitHash: string | null
  status: RunStatus
  /** place in the queue while queued, paused or interrupted; null otherwise */
  queuePosition: number | null
  /** milliseconds since the epoch, like every *At field */
  createdAt: number
  startedAt: number | null
  finishedAt: number | null
  /** training time, pauses excluded */
  trainSeconds: number
  step: number
  totalSteps: number
  backend: string | null
  device: string | null
  appVersion: string | null
  libraryVersions: Record<string, string>
  os: string | null
  error: string | null
  lastHeartbeatAt: number | null
}

export interface RunRow {
  id: number
  experiment_id: number | null
  retry_of: number | null
  config: string
  config_hash: string
  variant: string
  seed: number
  split_hash: string | null
  status: string
  queue_position: number | null
  created_at: number
  started_at: number | null
  finished_at: number | null
  train_seconds: number
  step: number
  total_steps: number
  backend: string | null
  device: string | null
  app_version: string | null
  library_versions: string
  os: string | null
  error: string | null
  last_heartbeat_at: number | null
}

export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    retryOf: row.retry_of,
    config: parseJsonColumn<RunConfig>(row.config, `runs.config of run ${row.id}`) as RunConfig,
    configHash: row.config_hash,
    variant: row.variant as Variant,
    seed: row.seed,
    splitHash: row.split_hash,
    // the CHECK constraint keeps this one of RUN_STATUSES
    status: row.status as RunStatus,
    queuePosition: row.queue_position,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    trainSeconds: row.train_seconds,
    step: row.step,
    totalSteps: row.total_steps,
    backend: row.backend,
    device: row.device,
    appVersion: row.app_version,
    libraryVersions: parseJsonColumn<Record<string, string>>(row.library_versions, `runs.library_versions of run ${row.id}`) ?? {},
    os: row.os,
    error: row.error,
    lastHeartbeatAt: row.last_heartbeat_at
  }
}

export function configHash(config: RunConfig): string {
  return createHash('sha256').update(canonicalConfig(config)).digest('hex')
}

/** One prepared lookup shared by the modules that need "this run, or an error". */
export class RunLookup {
  private readonly byId: Statement<RunRow>

  constructor(db: Database) {
    this.byId = db.prepare('SELECT * FROM runs WHERE id = ?')
  }

  get(id: number): RunRecord | undefined {
    const row = this.byId.get(id)
    return row && toRunRecord(row)
  }

  require(id: number): RunRecord {
    const run = this.get(id)
    if (!run) throw new NotFoundError('run', id)
    return run
  }
}
