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
  StoreMissingError,
  translateSqliteError
} from './errors.ts'

export interface OpenDatabaseOptions {
  readonly: boolean
  /** milliseconds to wait for another connection's write lock */
  busyTimeoutMs: number
  now: () => number
}

export function openDatabase(file: string, options: OpenDatabaseOptions): Connection {
  if (options.readonly && !fs.existsSync(file)) throw new StoreMissingError(file)
  let db: Connection
  try {
    db = new Database(file, { readonly: options.readonly, fileMustExist: options.readonly, timeout: options.busyTimeoutMs })
  } catch (error) {
    throw translateSqliteError(error, file)
  }
  try {
    const applied = checkVersions(db, file)
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
    throw translateSqliteError(error, file)
  }
}

/** The migrations an existing database has (none for a new one), refusing what we cannot open. Reads only. */
function checkVersions(db: Connection, file: string): number[] {
  let tables: string[]
  let applicationId: number
  try {
    tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]
    applicationId = Number(db.pragma('application_id', { simple: true }))
  } catch (error) {
    const translated = translateSqliteError(error, file)
    if (translated instanceof CorruptDatabaseError) throw translated
    throw error
  }
  if (tables.length === 0) return []
  if (applicationId !== APPLICATION_ID || !tables.includes('schema_migrations')) {
    throw new CorruptDatabaseError(file, `a SQLite database of another application (tables: ${tables.slice(0, 5).join(', ')})`)
  }
  const known = new Set(MIGRATIONS.map((m) => m.version))
  const versions = appliedVersions(db)
  const unknown = versions.filter((v) => !known.has(v))
  if (unknown.length) throw new DatabaseTooNewError(file, Math.max(...versions), LATEST_VERSION)
  return versions
}
