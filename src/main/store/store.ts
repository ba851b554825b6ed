// openStore: the lock, the checked and migrated database, and the table
// modules, each call translating SQLite errors into the store's own.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Database } from 'better-sqlite3'
import { StoreAccessError, StoreMissingError, translated, type ErrorContext } from './errors.ts'
import { acquireLock, type StoreLock } from './lock.ts'
import { openDatabase } from './open-database.ts'
import { checkpointsRoot } from '../paths.ts'
import { ensureHome, nameFileError, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, tightenMode } from '../home-files.ts'
import { appliedVersions } from './migrations.ts'
import type { StoreContext } from './context.ts'
import { Experiments } from './experiments.ts'
import { Runs } from './runs.ts'
import { Queue } from './queue.ts'
import { Metrics } from './metrics.ts'
import { Events } from './events.ts'
import { Checkpoints } from './checkpoints.ts'
import { Annotations } from './annotations.ts'
import { Diagnostics } from './diagnostics.ts'
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
 * Opens the run store in a home folder. Read-write (the default) makes the
 * home private (0700, its files 0600), takes the home's lock (StoreLockedError
 * if another process holds it), checks every page (PRAGMA quick_check),
 * creates or migrates the database, and is the only writer. Read-only takes no
 * lock (SQLite's own locking keeps reads consistent beside the writer) and
 * works in a home it cannot write. Throws CorruptDatabaseError,
 * StoreEmptyBesideRunsError, DatabaseTooNewError, StoreMissingError
 * (read-only, nothing recorded yet), DatabaseNeedsMigrationError (read-only,
 * older schema) or StoreAccessError (read-only file system, permissions, I/O)
 * without touching the file.
 */
export function openStore(homeDir: string, options: OpenStoreOptions = {}): RunStore {
  const readonly = options.readonly ?? false
  const now = options.now ?? Date.now
  const { file, lock } = storePaths(homeDir)
  let held: StoreLock | undefined
  if (!readonly) {
    ensureHome(homeDir)
    held = acquireLock(lock)
  }
  const runsWithCheckpoints = () => ({ dir: checkpointsRoot(homeDir), runIds: runIdsWithCheckpoints(checkpointsRoot(homeDir)) })
  const databaseOptions = { readonly, busyTimeoutMs: options.busyTimeoutMs ?? 5000, now, runsWithCheckpoints }
  if (readonly) {
    try {
      return new RunStore({ db: openDatabase(file, databaseOptions), path: file, now }, true, undefined)
    } catch (error) {
      if (!(error instanceof StoreAccessError) || !folderCannotBeWritten(homeDir)) throw error
      return openSnapshot(file, databaseOptions)
    }
  }
  try {
    const db = openDatabase(file, databaseOptions)
    tightenCheckpoints(checkpointsRoot(homeDir))
    return new RunStore({ db, path: file, now }, readonly, held)
  } catch (error) {
    held?.release()
    throw error
  }
}

/**
 * A reader in a home it cannot write (a read-only mount, another user's
 * folder): SQLite cannot open a WAL database there, since even readers need
 * its -shm file. So the database and its WAL are copied to a private temporary
 * folder and read there; the copy is deleted at close. Nothing can write to a
 * read-only mount meanwhile; in another user's folder, a writer busy during
 * the copy could make it inconsistent (then reading it fails as damaged).
 */
function openSnapshot(file: string, options: Parameters<typeof openDatabase>[1]): RunStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixmatch-lab-read-'))
  const copy = path.join(dir, path.basename(file))
  const remove = () => fs.rmSync(dir, { recursive: true, force: true })
  try {
    for (const suffix of ['', '-wal']) {
      try {
        fs.copyFileSync(file + suffix, copy + suffix)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'ENOENT' && suffix) continue
        if (code === 'ENOENT') throw new StoreMissingError(file)
        // no room for the copy is the temporary folder's problem, not the home's
        if (code === 'ENOSPC' || code === 'EDQUOT') throw nameFileError(error, dir, `copy ${file + suffix} (to read it) into`)
        throw nameFileError(error, file + suffix, 'read')
      }
    }
    const db = openDatabase(file, { ...options, openAt: copy })
    return new RunStore({ db, path: file, now: options.now }, true, undefined, remove)
  } catch (error) {
    remove()
    throw error
  }
}

function folderCannotBeWritten(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK)
    return false
  } catch {
    return true
  }
}

/** Run ids (folder names) under <home>/checkpoints whose folder holds a checkpoint file. */
function runIdsWithCheckpoints(root: string): number[] {
  const ids: number[] = []
  for (const entry of readFolder(root)) {
    if (!entry.isDirectory() || !/^\d+$/.test(entry.name)) continue
    if (readFolder(path.join(root, entry.name)).some((f) => f.isFile() && f.name.endsWith('.ckpt'))) ids.push(Number(entry.name))
  }
  return ids.sort((a, b) => a - b)
}

/** Homes written by older versions left checkpoints readable by every local user: 0700 folders, 0600 files. */
function tightenCheckpoints(root: string): void {
  try {
    tightenMode(root, PRIVATE_DIR_MODE)
    for (const entry of readFolder(root)) {
      const dir = path.join(root, entry.name)
      if (!entry.isDirectory()) continue
      tightenMode(dir, PRIVATE_DIR_MODE)
      for (const file of readFolder(dir)) if (file.isFile()) tightenMode(path.join(dir, file.name), PRIVATE_FILE_MODE)
    }
  } catch (error) {
    throw nameFileError(error, root, 'restrict the permissions of')
  }
}

function readFolder(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true })
  } catch {
    return []
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
  readonly diagnostics: Diagnostics
  readonly exports: RunExporter
  readonly imports: RunImporter
  private readonly db: Database

  constructor(
    ctx: StoreContext,
    readonly readonly: boolean,
    private readonly lock: StoreLock | undefined,
    /** removes what the open made besides the lock (a read-only snapshot) */
    private readonly cleanup?: () => void
  ) {
    this.db = ctx.db
    this.path = ctx.path
    const context = { readonly }
    this.experiments = guard(new Experiments(ctx), ctx.path, context)
    this.runs = guard(new Runs(ctx), ctx.path, context)
    this.queue = guard(new Queue(ctx), ctx.path, context)
    this.metrics = guard(new Metrics(ctx), ctx.path, context)
    this.events = guard(new Events(ctx), ctx.path, context)
    this.checkpoints = guard(new Checkpoints(ctx), ctx.path, context)
    this.annotations = guard(new Annotations(ctx), ctx.path, context)
    this.diagnostics = guard(new Diagnostics(ctx), ctx.path, context)
    this.exports = guard(new RunExporter(ctx, this), ctx.path, context)
    this.imports = guard(new RunImporter(ctx, this), ctx.path, context)
  }

  /** Runs fn in one transaction (nested store calls become savepoints): all of it is recorded, or none. */
  transaction<T>(fn: () => T): T {
    return translated(() => this.db.transaction(fn)(), this.path, { readonly: this.readonly })
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
    this.cleanup?.()
  }
}

/** Wraps every method of a table module so SQLite errors come out as the store's errors. */
function guard<T extends object>(target: T, file: string, context: ErrorContext): T {
  for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(target))) {
    const method = (target as Record<string, unknown>)[key]
    if (key === 'constructor' || typeof method !== 'function') continue
    Object.defineProperty(target, key, { value: (...args: unknown[]) => translated(() => method.apply(target, args), file, context) })
  }
  return target
}
