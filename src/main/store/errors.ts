// Every failure the store reports, each with a message a user can act on.
// SQLite's own errors are translated here so callers never see raw codes.
import Database from 'better-sqlite3'

export class StoreError extends Error {
  override get name(): string {
    return this.constructor.name
  }
}

/** The file is not a SQLite database, or not ours, or damaged. Left untouched. */
export class CorruptDatabaseError extends StoreError {
  constructor(
    readonly path: string,
    readonly detail: string
  ) {
    super(
      `${path} is not a readable FixMatch Lab database (${detail}). The file was left untouched: ` +
        `move it aside (for example rename it to ${basename(path)}.broken) to start a fresh store, or restore it from a backup.`
    )
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
    const holder = pid === undefined ? 'another process' : `process ${pid}${hostname ? ` on ${hostname}` : ''}`
    super(
      `the run store is in use by ${holder} (lock file ${lockPath}). Close that FixMatch Lab first, ` +
        `or open the store read-only; if no such process runs, delete the lock file.`
    )
  }
}

export class StoreFullError extends StoreError {
  constructor(readonly path: string) {
    super(
      `the disk holding ${path} is full: the last write was rolled back and everything recorded before it is intact. ` +
        `Free some disk space, then retry.`
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

/** Maps a SQLite error to the store's own; anything else passes through. */
export function translateSqliteError(error: unknown, path: string): unknown {
  if (!(error instanceof Database.SqliteError)) return error
  const code = error.code
  if (code === 'SQLITE_FULL') return new StoreFullError(path)
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return new CorruptDatabaseError(path, error.message)
  if (code.startsWith('SQLITE_READONLY')) return new StoreReadonlyError(path)
  if (code.startsWith('SQLITE_BUSY')) return new StoreBusyError(path)
  return error
}

/** Runs fn, translating SQLite errors (the transaction, if any, has rolled back by then). */
export function translated<T>(fn: () => T, path: string): T {
  try {
    return fn()
  } catch (error) {
    throw translateSqliteError(error, path)
  }
}
