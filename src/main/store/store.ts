// openStore: the lock, the checked and migrated database, and the table
// modules, each call translating SQLite errors into the store's own.
import fs from 'node:fs'
import path from 'node:path'
import type { Database } from 'better-sqlite3'
import { translated } from './errors.ts'
import { acquireLock, type StoreLock } from './lock.ts'
import { openDatabase } from './open-database.ts'
import { appliedVersions } from './migrations.ts'
import type { StoreContext } from './context.ts'
import { Experiments } from './experiments.ts'
import { Runs } from './runs.ts'
import { Queue } from './queue.ts'
import { Metrics } from './metrics.ts'
import { Events } from './events.ts'
import { Checkpoints } from './checkpoints.ts'
import { Annotations } from './annotations.ts'
import { RunExporter } from './export.ts'
import { RunImporter } from './import.ts'

export interface OpenStoreOptions {
  /** no lock, no migrations, no writes: for readers beside a running app (e.g. `fixmatch-lab runs`) */
  readonly?: boolean
  /** how long a call waits for another connection's write lock; 5000 ms if left out */
  busyTimeoutMs?: number
  /** the clock, in milliseconds since the epoch (tests pin it) */
  now?: () => number
}

export const STORE_FILE = 'runs.sqlite'

export function storePaths(homeDir: string): { file: string; lock: string } {
  const file = path.join(homeDir, STORE_FILE)
  return { file, lock: `${file}.lock` }
}

/**
 * Opens the run store in a home folder. Read-write (the default) takes the
 * home's lock (StoreLockedError if another process holds it), creates or
 * migrates the database, and is the only writer. Throws CorruptDatabaseError,
 * DatabaseTooNewError, StoreMissingError (read-only, nothing recorded yet) or
 * DatabaseNeedsMigrationError (read-only, older schema) without touching the file.
 */
export function openStore(homeDir: string, options: OpenStoreOptions = {}): RunStore {
  const readonly = options.readonly ?? false
  const now = options.now ?? Date.now
  const { file, lock } = storePaths(homeDir)
  let held: StoreLock | undefined
  if (!readonly) {
    fs.mkdirSync(homeDir, { recursive: true })
    held = acquireLock(lock)
  }
  try {
    const db = openDatabase(file, { readonly, busyTimeoutMs: options.busyTimeoutMs ?? 5000, now })
    return new RunStore({ db, path: file, now }, readonly, held)
  } catch (error) {
    held?.release()
    throw error
  }
}

export class RunStore {
  readonly path: string
  readonly experiments: Experiments
  readonly runs: Runs
  readonly queue: Queue
  readonly metrics: Metrics
  readonly events: Events
  readonly checkpoints: Checkpoints
  readonly annotations: Annotations
  readonly exports: RunExporter
  readonly imports: RunImporter
  private readonly db: Database

  constructor(
    ctx: StoreContext,
    readonly readonly: boolean,
    private readonly lock: StoreLock | undefined
  ) {
    this.db = ctx.db
    this.path = ctx.path
    this.experiments = guard(new Experiments(ctx), ctx.path)
    this.runs = guard(new Runs(ctx), ctx.path)
    this.queue = guard(new Queue(ctx), ctx.path)
    this.metrics = guard(new Metrics(ctx), ctx.path)
    this.events = guard(new Events(ctx), ctx.path)
    this.checkpoints = guard(new Checkpoints(ctx), ctx.path)
    this.annotations = guard(new Annotations(ctx), ctx.path)
    this.exports = guard(new RunExporter(ctx, this), ctx.path)
    this.imports = guard(new RunImporter(ctx, this), ctx.path)
  }

  /** Runs fn in one transaction (nested store calls become savepoints): all of it is recorded, or none. */
  transaction<T>(fn: () => T): T {
    return translated(() => this.db.transaction(fn)(), this.path)
  }

  /** The newest migration applied. */
  schemaVersion(): number {
    const versions = appliedVersions(this.db)
    return versions.length ? versions[versions.length - 1] : 0
  }

  get isOpen(): boolean {
    return this.db.open
  }

  /** Closes the database (checkpointing the WAL) and releases the lock. */
  close(): void {
    if (this.db.open) this.db.close()
    this.lock?.release()
  }
}

/** Wraps every method of a table module so SQLite errors come out as the store's errors. */
function guard<T extends object>(target: T, file: string): T {
  for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(target))) {
    const method = (target as Record<string, unknown>)[key]
    if (key === 'constructor' || typeof method !== 'function') continue
    Object.defineProperty(target, key, { value: (...args: unknown[]) => translated(() => method.apply(target, args), file) })
  }
  return target
}
