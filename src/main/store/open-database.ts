// Opens the SQLite file and checks it before anything is written: a file that
// is not ours, damaged, or from a newer app is refused and left as it was.
import fs from 'node:fs'
import Database from 'better-sqlite3'
import type { Database as Connection } from 'better-sqlite3'
import { APPLICATION_ID, LATEST_VERSION, MIGRATIONS, appliedVersions, migrate } from './migrations.ts'
import {
  CorruptDatabaseError,
  DatabaseNeedsMigrationError,
  DatabaseTooNewError,
  StoreEmptyBesideRunsError,
  StoreAccessError,
  StoreMissingError,
  translateSqliteError
} from './errors.ts'
import { isFileProblem, nameFileError, PRIVATE_FILE_MODE, tightenMode } from '../home-files.ts'

export interface OpenDatabaseOptions {
  readonly: boolean
  /** milliseconds to wait for another connection's write lock */
  busyTimeoutMs: number
  now: () => number
  /** runs whose checkpoints lie beside the file: an empty database there has lost their records */
  runsWithCheckpoints?: () => { dir: string; runIds: number[] }
  /** open this file instead (a private copy of `file` taken for a read-only home); messages still name `file` */
  openAt?: string
}

/** The files SQLite keeps for one database in WAL mode. */
export function databaseFiles(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`]
}

export function openDatabase(file: string, options: OpenDatabaseOptions): Connection {
  const at = options.openAt ?? file
  if (options.readonly) mustExist(at, file)
  // SQLite creates a missing file at once: a refused open removes it again
  const existed = options.readonly || fs.existsSync(file)
  let db: Connection
  try {
    db = new Database(at, { readonly: options.readonly, fileMustExist: options.readonly, timeout: options.busyTimeoutMs })
  } catch (error) {
    throw translateSqliteError(error, file, { when: 'open', readonly: options.readonly })
  }
  try {
    // before SQLite creates the -wal and -shm files, which take the database's mode
    if (!options.readonly) for (const f of databaseFiles(file)) makePrivate(f)
    const applied = checkVersions(db, file, options)
    if (options.readonly) {
      const pending = MIGRATIONS.some((m) => !applied.includes(m.version))
      if (pending) throw new DatabaseNeedsMigrationError(file, applied.length ? applied[applied.length - 1] : 0, LATEST_VERSION)
    } else {
      // Only now, with the file known to be ours (or new), may anything be written.
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      db.pragma('foreign_keys = ON')
      migrate(db, MIGRATIONS, options.now)
    }
    db.pragma('temp_store = MEMORY')
    return db
  } catch (error) {
    db.close()
    if (!existed) for (const f of databaseFiles(file)) fs.rmSync(f, { force: true })
    throw translateSqliteError(error, file, { when: 'open', readonly: options.readonly })
  }
}

function makePrivate(file: string): void {
  try {
    tightenMode(file, PRIVATE_FILE_MODE)
  } catch (error) {
    throw nameFileError(error, file, 'make private (mode 0600)')
  }
}

/** A reader needs the file; "nothing recorded" only when it is really absent, not when it cannot be seen. */
function mustExist(at: string, file: string): void {
  try {
    fs.statSync(at)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new StoreMissingError(file)
    throw isFileProblem(code) ? new StoreAccessError(code, file, 'read the run store') : error
  }
}

/** The migrations an existing database has (none for a new one), refusing what we cannot open. Reads only. */
function checkVersions(db: Connection, file: string, options: OpenDatabaseOptions): number[] {
  let tables: string[]
  let applicationId: number
  try {
    tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]
    applicationId = Number(db.pragma('application_id', { simple: true }))
  } catch (error) {
    const translated = translateSqliteError(error, file, { when: 'open' })
    if (translated instanceof CorruptDatabaseError) throw translated
    throw error
  }
  if (tables.length === 0) {
    const beside = options.runsWithCheckpoints?.()
    if (beside && beside.runIds.length) throw new StoreEmptyBesideRunsError(file, beside.dir, beside.runIds)
    if (options.readonly) throw new StoreMissingError(file)
    return []
  }
  if (applicationId !== APPLICATION_ID || !tables.includes('schema_migrations')) {
    throw new CorruptDatabaseError(file, `a SQLite database of another application (tables: ${tables.slice(0, 5).join(', ')})`)
  }
  // Writers only: a write into a damaged b-tree can spread the damage, while a
  // reader (runs, export: meant to be instant) meets it as CorruptDatabaseError
  // on the page it reads. The check costs ~4-10 ms per MB of store.
  if (!options.readonly) checkPages(db, file)
  const known = new Set(MIGRATIONS.map((m) => m.version))
  const versions = appliedVersions(db)
  const unknown = versions.filter((v) => !known.has(v))
  if (unknown.length) throw new DatabaseTooNewError(file, Math.max(...versions), LATEST_VERSION)
  return versions
}

/**
 * Reads every page once (PRAGMA quick_check: b-tree structure, records, free
 * list; not the slower index-to-table comparison of integrity_check), so a
 * damaged data or index page is refused here, not met by a write mid-run.
 */
function checkPages(db: Connection, file: string): void {
  let problems: string[]
  try {
    problems = (db.prepare('PRAGMA quick_check(5)').pluck().all() as string[])
      .flatMap((row) => row.split('\n'))
      .filter((line) => line !== 'ok' && !line.startsWith('*** in database'))
  } catch (error) {
    throw translateSqliteError(error, file, { when: 'open' })
  }
  if (problems.length) throw new CorruptDatabaseError(file, `damaged pages: ${problems.slice(0, 3).join('; ')}`)
}
