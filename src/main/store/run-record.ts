// The run row as callers see it, and the mapping from SQLite's columns.
import { createHash } from 'node:crypto'
import type { Database, Statement } from 'better-sqlite3'
import type { RunRecord as ApiRunRecord } from '../../shared/api.ts'
import { canonicalConfig, type RunConfig, type Variant } from '../../shared/config.ts'
import { storedConfig } from '../../shared/stored-config.ts'
import type { Executor } from '../../shared/executor.ts'
import type { SlurmJobOptions } from '../../shared/slurm.ts'
import { NotFoundError } from './errors.ts'
import { parseJsonColumn } from './rows.ts'
import type { RunStatus } from './run-status.ts'

/** The times the store keeps as milliseconds since the epoch (the contract sends them as ISO text). */
export type StoredTimes = 'createdAt' | 'startedAt' | 'finishedAt'
/** Fields the contract's record adds: annotations and summaries (RunListItem), and what only the service knows. */
type ServiceFields = 'tags' | 'note' | 'summary' | 'results' | 'pending' | 'waiting' | 'slurmJob' | 'resumeStep'
/** Provenance an older service may leave out of the contract's record; every stored row has it. */
type Provenance = 'appVersion' | 'libraryVersions' | 'os' | 'retryOf'
/** Where it trains: an older service leaves these out; every stored row has them. */
type Placement = 'executor' | 'slurm' | 'slurmJobId'

/** A run row: the contract's RunRecord (shared/api.ts) with times in milliseconds and the heartbeat. */
export type RunRecord = Omit<ApiRunRecord, StoredTimes | ServiceFields | Provenance | Placement> &
  Required<Pick<ApiRunRecord, Provenance | Placement>> & {
    /** milliseconds since the epoch, like every *At field */
    createdAt: number
    startedAt: number | null
    finishedAt: number | null
    lastHeartbeatAt: number | null
  }

// Runs are read as raw arrays (about twice as fast as row objects when listing
// a thousand): every query selects RUN_COLUMNS in this order, and toRunRecord
// is the one place that knows it.
const RUN_COLUMNS = [
  'id',
  'experiment_id',
  'retry_of',
  'config',
  'config_hash',
  'variant',
  'seed',
  'split_hash',
  'status',
  'queue_position',
  'created_at',
  'started_at',
  'finished_at',
  'train_seconds',
  'step',
  'total_steps',
  'backend',
  'device',
  'app_version',
  'library_versions',
  'os',
  'error',
  'last_heartbeat_at',
  'executor',
  'slurm_options',
  'slurm_job_id'
] as const

/** The run columns of alias r, in the order toRunRecord reads them. */
export const RUN_SELECT = RUN_COLUMNS.map((column) => `r.${column}`).join(', ')
export const RUN_COLUMN_COUNT = RUN_COLUMNS.length

type N = number | null
type S = string | null
type RunValues = [number, N, N, string, string, string, number, S, string, N, number, N, N, number, number, number, S, S, S, string, S, S, N, string, S, S]

/** A raw row that starts with RUN_SELECT's columns (extra columns after them are ignored). */
export function toRunRecord(values: unknown[]): RunRecord {
  const [
    id,
    experimentId,
    retryOf,
    config,
    hash,
    variant,
    seed,
    splitHash,
    status,
    queuePosition,
    createdAt,
    startedAt,
    finishedAt,
    trainSeconds,
    step,
    totalSteps,
    backend,
    device,
    appVersion,
    libraryVersions,
    os,
    error,
    lastHeartbeatAt,
    executor,
    slurmOptions,
    slurmJobId
  ] = values as RunValues
  return {
    id,
    experimentId,
    retryOf,
    // a run stored before the schema gained a key reads with that key's default
    config: storedConfig(parseJsonColumn<RunConfig>(config, `runs.config of run ${id}`) as RunConfig),
    configHash: hash,
    variant: variant as Variant,
    seed,
    splitHash,
    // the CHECK constraint keeps this one of RUN_STATUSES
    status: status as RunStatus,
    queuePosition,
    createdAt,
    startedAt,
    finishedAt,
    trainSeconds,
    step,
    totalSteps,
    backend,
    device,
    appVersion,
    libraryVersions: parseJsonColumn<Record<string, string>>(libraryVersions, `runs.library_versions of run ${id}`) ?? {},
    os,
    error,
    lastHeartbeatAt,
    // the CHECK constraint keeps this one of EXECUTORS
    executor: executor as Executor,
    slurm: parseJsonColumn<SlurmJobOptions>(slurmOptions, `runs.slurm_options of run ${id}`) ?? null,
    slurmJobId
  }
}

export function configHash(config: RunConfig): string {
  return createHash('sha256').update(canonicalConfig(config)).digest('hex')
}

/** One prepared lookup shared by the modules that need "this run, or an error". */
export class RunLookup {
  private readonly byId: Statement<unknown[], unknown[]>

  constructor(db: Database) {
    this.byId = db.prepare<unknown[], unknown[]>(`SELECT ${RUN_SELECT} FROM runs r WHERE r.id = ?`).raw()
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
