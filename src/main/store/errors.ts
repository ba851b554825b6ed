// Every failure the store reports, each with a message a user can act on.
// SQLite's own errors are translated here so callers never see raw codes.
import fs from 'node:fs'
import nodePath from 'node:path'
import Database from 'better-sqlite3'
import { describeFileProblem, type FileProblem } from '../home-files.ts'

export class StoreError extends Error {
  override get name(): string {
    return this.constructor.name
  }
}

/**
 * The file is not a SQLite database, or not ours, or damaged. Found at open
 * ('open'), nothing was written to it; found by a call while in use
 * ('in-use'), that call failed and what it was writing was rolled back.
 */
export class CorruptDatabaseError extends StoreError {
  constructor(
    readonly path: string,
    readonly detail: string,
    readonly when: 'open' | 'in-use' = 'open'
  ) {
    const aside = `move it aside (for example rename it to ${basename(path)}.broken) to start a fresh store, or restore it from a backup`
    super(
      when === 'open'
        ? `${path} is not a readable FixMatch Lab database (${detail}). The file was left untouched: ${aside}.`
        : `${path} is damaged (${detail}): the call that met the damage failed, and anything it was writing was rolled back; ` +
            `nothing more can be recorded in it safely. Stop FixMatch Lab, then ${aside} ` +
            `(\`sqlite3 ${basename(path)} .recover\` can salvage what is still readable).`
    )
  }
}

/** runs.sqlite is empty (e.g. 0 bytes) or missing while checkpoints of earlier runs lie beside it: their records were lost. */
export class StoreEmptyBesideRunsError extends StoreError {
  constructor(
    readonly path: string,
    readonly checkpointsDir: string,
    readonly runIds: readonly number[]
  ) {
    const ids = runIds.slice(0, 10).join(', ') + (runIds.length > 10 ? ', ...' : '')
    super(
      `${path} holds no runs (it is empty or missing) but ${checkpointsDir} holds checkpoints of ${runIds.length} earlier run(s) (${ids}): ` +
        `the store that recorded them is lost (truncated or replaced), and a fresh one would not know them. Nothing was changed. ` +
        `Restore ${basename(path)} from a backup; or, to start a fresh store anyway, move ${checkpointsDir} aside ` +
        `(for example to ${basename(checkpointsDir)}.old).`
    )
  }
}

/** The store's file or folder cannot be written or read (read-only file system, permissions, a failing disk). */
export class StoreAccessError extends StoreError {
  constructor(
    readonly code: FileProblem,
    readonly path: string,
    readonly action: string
  ) {
    super(describeFileProblem(code, path, action))
  }
}

/** Written by a newer app: we do not know its schema, so we refuse and change nothing. */
export class DatabaseTooNewError extends StoreError {
  constructor(
    readonly path: string,
    readonly databaseVersion: number,
    readonly appVersion: number
  ) {
    super(
      `${path} has database schema version ${databaseVersion}, written by a newer FixMatch Lab; ` +
        `this app knows versions up to ${appVersion}. Update FixMatch Lab to open it (the file was not modified).`
    )
  }
}

/** A read-only open cannot migrate an older database. */
export class DatabaseNeedsMigrationError extends StoreError {
  constructor(
    readonly path: string,
    readonly databaseVersion: number,
    readonly appVersion: number
  ) {
    super(
      `${path} has database schema version ${databaseVersion} and this app needs version ${appVersion}; ` +
        `a read-only open cannot upgrade it: start the app (or any read-write command) once to migrate it.`
    )
  }
}

export class StoreMissingError extends StoreError {
  constructor(readonly path: string) {
    super(`no run store at ${path} yet: nothing has been recorded in this home folder`)
  }
}

export class StoreLockedError extends StoreError {
  constructor(
    readonly lockPath: string,
    readonly pid: number | undefined,
    readonly hostname: string | undefined
  ) {
    super(
      pid === undefined
        ? `the lock file ${lockPath} is empty or unreadable: another process is taking it this instant, or one died while ` +
            `writing it (then it counts as stale after 2 s). Retry in a moment; if it stays, no FixMatch Lab has the store: delete the lock file.`
        : `the run store is in use by process ${pid}${hostname ? ` on ${hostname}` : ''} (lock file ${lockPath}). Close that FixMatch Lab first, ` +
            `or open the store read-only; if no such process runs, delete the lock file.`
    )
  }
}

export class StoreFullError extends StoreError {
  constructor(readonly path: string) {
    super(
      `the disk holding ${path} is full: the last write was rolled back and everything recorded before it is intact. ` + `Free some disk space, then retry.`
    )
  }
}

export class StoreReadonlyError extends StoreError {
  constructor(readonly path: string) {
    super(`the run store ${path} is open read-only (or the file is not writable): this call writes`)
  }
}

export class StoreBusyError extends StoreError {
  constructor(readonly path: string) {
    super(`the run store ${path} stayed busy (another connection holds a write lock); retry in a moment`)
  }
}

/** A bad argument from a caller or an import file, naming the field. */
export class StoreInputError extends StoreError {
  constructor(
    readonly field: string,
    message: string
  ) {
    super(`${field}: ${message}`)
  }
}

export class NotFoundError extends StoreError {
  constructor(
    readonly kind: 'run' | 'experiment' | 'checkpoint',
    readonly id: number
  ) {
    super(`no ${kind} with id ${id}`)
  }
}

export class InvalidTransitionError extends StoreError {
  constructor(
    readonly runId: number,
    readonly from: string,
    readonly to: string,
    readonly allowed: readonly string[]
  ) {
    super(
      `run ${runId} is ${from} and cannot become ${to}` +
        (allowed.length ? ` (from ${from} it can become: ${allowed.join(', ')})` : ` (${from} is final; retry the run to run it again)`)
    )
  }
}

function basename(file: string): string {
  return file.split(/[\\/]/).pop() ?? file
}

export interface ErrorContext {
  /** 'open' while the file is opened and checked, 'in-use' afterwards (the default) */
  when?: 'open' | 'in-use'
  /** the connection was opened read-only, so a refused write is the caller's, not the disk's */
  readonly?: boolean
}

/** Maps a SQLite error to the store's own; anything else passes through. */
export function translateSqliteError(error: unknown, path: string, context: ErrorContext = {}): unknown {
  if (!(error instanceof Database.SqliteError)) return error
  const code = error.code
  if (code === 'SQLITE_FULL') return new StoreFullError(path)
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return new CorruptDatabaseError(path, error.message, context.when ?? 'in-use')
  if (code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_READONLY_CANTINIT') {
    // the folder (for the -wal and -shm files) cannot be written: a reader meets this too
    const problem = accessProblem(path, !context.readonly, true) ?? 'EACCES'
    return new StoreAccessError(problem, path, context.readonly ? 'read the run store' : 'write the run store')
  }
  if (code.startsWith('SQLITE_READONLY')) {
    const problem = context.readonly ? undefined : accessProblem(path, true)
    return problem ? new StoreAccessError(problem, path, 'write the run store') : new StoreReadonlyError(path)
  }
  if (code.startsWith('SQLITE_BUSY')) return new StoreBusyError(path)
  // "disk I/O error": SQLite's word for a read or write the operating system refused
  if (code.startsWith('SQLITE_IOERR')) return new StoreAccessError(accessProblem(path, !context.readonly) ?? 'EIO', path, 'read or write the run store')
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') {
    // even a reader needs the folder writable: SQLite keeps a WAL database's shared index (-shm) beside it
    const problem = accessProblem(path, !context.readonly, true)
    if (problem) return new StoreAccessError(problem, path, context.readonly ? 'read the run store' : 'open the run store')
  }
  return error
}

/**
 * Why this process cannot use the store's file or its folder (SQLite needs the
 * folder writable for its -wal and -shm files), if the file system says so.
 */
export function accessProblem(file: string, writing: boolean, folderWritable = writing): FileProblem | undefined {
  const checks: [string, number][] = [[file, writing ? fs.constants.R_OK | fs.constants.W_OK : fs.constants.R_OK]]
  if (folderWritable) checks.unshift([nodePath.dirname(file), fs.constants.W_OK])
  for (const [target, mode] of checks) {
    try {
      fs.accessSync(target, mode)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return code
    }
  }
  return undefined
}

/** Runs fn, translating SQLite errors (the transaction, if any, has rolled back by then). */
export function translated<T>(fn: () => T, path: string, context: ErrorContext = {}): T {
  try {
    return fn()
  } catch (error) {
    throw translateSqliteError(error, path, context)
  }
}
