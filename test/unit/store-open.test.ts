import fs from 'node:fs'
import os from 'node:os'
import crypto from 'node:crypto'
import { spawnSync } from 'node:child_process'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import {
  CorruptDatabaseError,
  DatabaseNeedsMigrationError,
  DatabaseTooNewError,
  LATEST_VERSION,
  MIGRATIONS,
  StoreLockedError,
  StoreMissingError,
  StoreReadonlyError,
  openStore,
  storePaths,
  translateSqliteError
} from '../../src/main/store/index.ts'
import { migrate } from '../../src/main/store/migrations.ts'
import { dbFile, open, openError, raw, tempHome } from './store-helpers.ts'

function migrationRows(home: string): { version: number; name: string }[] {
  const db = raw(home)
  try {
    return db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as { version: number; name: string }[]
  } finally {
    db.close()
  }
}

describe('migrations', () => {
  it('run once on a new store and are recorded', () => {
    const home = tempHome()
    const store = open(home)
    expect(store.schemaVersion()).toBe(LATEST_VERSION)
    store.close()
    const expected = MIGRATIONS.map((m) => ({ version: m.version, name: m.name }))
    expect(migrationRows(home)).toEqual(expected)
    // a second open applies nothing again
    open(home).close()
    expect(migrationRows(home)).toEqual(expected)
  })

  it('bring an older database (only migration 1 applied) up to date, keeping its rows', () => {
    const home = tempHome()
    fs.mkdirSync(home, { recursive: true })
    const db = new Database(dbFile(home))
    migrate(db, MIGRATIONS.slice(0, 1))
    db.prepare("INSERT INTO experiments (name, created_at) VALUES ('old', 1)").run()
    db.close()
    expect(migrationRows(home).map((r) => r.version)).toEqual([1])

    const store = open(home)
    expect(store.schemaVersion()).toBe(LATEST_VERSION)
    expect(store.experiments.findByName('old')).toBeDefined()
    const run = store.queue.enqueue({ config: {} })
    store.annotations.addTag(run.id, 'after-migration')
    expect(store.annotations.tags(run.id)).toEqual(['after-migration'])
    store.close()
    expect(migrationRows(home).map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version))
  })

  it('give the runs of a database from before executors the local executor', () => {
    const home = tempHome()
    fs.mkdirSync(home, { recursive: true })
    const db = new Database(dbFile(home))
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version <= 4)
    )
    db.prepare("INSERT INTO runs (config, config_hash, variant, seed, status, created_at, total_steps) VALUES ('{}', 'h', 'S', 0, 'finished', 1, 10)").run()
    db.close()

    const store = open(home)
    expect(store.runs.list()).toEqual([expect.objectContaining({ executor: 'local', slurm: null, slurmJobId: null })])
    // the column accepts only the executors there are
    const check = raw(home)
    expect(() => check.prepare("UPDATE runs SET executor = 'cloud'").run()).toThrow(/CHECK constraint/)
    check.close()
  })

  it('refuse a database from a newer app and leave it byte for byte', () => {
    const home = tempHome()
    open(home).close()
    const db = raw(home)
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', 1)").run()
    db.close()
    const before = fs.readFileSync(dbFile(home))

    const error = openError(home)
    expect(error).toBeInstanceOf(DatabaseTooNewError)
    expect((error as Error).message).toContain('version 99')
    expect((error as Error).message).toContain(`up to ${LATEST_VERSION}`)
    expect(() => openStore(home, { readonly: true })).toThrow(DatabaseTooNewError)
    expect(fs.readFileSync(dbFile(home)).equals(before)).toBe(true)
    // the lock was released: nothing left to block the next (newer) app
    expect(fs.existsSync(storePaths(home).lock)).toBe(false)
  })
})

describe('damaged or foreign files', () => {
  it('random bytes: CorruptDatabaseError naming the path, file untouched', () => {
    const home = tempHome()
    const bytes = crypto.randomBytes(16384)
    fs.writeFileSync(dbFile(home), bytes)
    const error = openError(home)
    expect(error).toBeInstanceOf(CorruptDatabaseError)
    expect((error as Error).message).toContain(dbFile(home))
    expect((error as Error).message).toMatch(/move it aside|backup/)
    expect(fs.readFileSync(dbFile(home)).equals(bytes)).toBe(true)
    expect(fs.readdirSync(home)).toEqual(['runs.sqlite'])
  })

  it('a SQLite header over damaged pages: CorruptDatabaseError, file untouched', () => {
    const home = tempHome()
    open(home).close()
    const bytes = fs.readFileSync(dbFile(home))
    crypto.randomFillSync(bytes, 100) // keep the 100-byte header, scramble the rest
    fs.writeFileSync(dbFile(home), bytes)
    expect(() => openStore(home)).toThrow(CorruptDatabaseError)
    expect(fs.readFileSync(dbFile(home)).equals(bytes)).toBe(true)
  })

  it('a damaged data or index page behind an intact first page is refused at open, file untouched', () => {
    const home = tempHome()
    const store = open(home)
    const run = store.queue.enqueue({ config: {} })
    // enough rows that the metrics table is a tree of many pages
    store.metrics.append(
      run.id,
      Array.from({ length: 5000 }, (_, i) => ({ step: i, name: i % 2 ? 'loss' : 'eval/top1', value: i, wallTime: 1 }))
    )
    store.close()
    const db = raw(home)
    const pageSize = Number(db.pragma('page_size', { simple: true }))
    const root = Number(db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'metrics'").pluck().get())
    db.close()
    expect(root).toBeGreaterThan(1)
    const bytes = fs.readFileSync(dbFile(home))
    expect(bytes.length / pageSize).toBeGreaterThan(root + 10)
    // the metrics tree's root and a page deep inside it; page 1 (sqlite_master) stays as it was
    crypto.randomFillSync(bytes, (root - 1) * pageSize, pageSize)
    crypto.randomFillSync(bytes, (root + 5) * pageSize, pageSize)
    fs.writeFileSync(dbFile(home), bytes)

    const error = openError(home)
    expect(error).toBeInstanceOf(CorruptDatabaseError)
    expect((error as Error).message).toContain(dbFile(home))
    expect((error as Error).message).toMatch(/damaged pages: .*(page|btree|Tree)/i)
    expect((error as Error).message).toContain('left untouched')
    expect(fs.readFileSync(dbFile(home)).equals(bytes)).toBe(true)
    expect(fs.existsSync(storePaths(home).lock)).toBe(false)
  })

  it('damage met by a write while in use is not called "left untouched"', () => {
    const error = translateSqliteError(new Database.SqliteError('database disk image is malformed', 'SQLITE_CORRUPT'), '/h/runs.sqlite')
    expect(error).toBeInstanceOf(CorruptDatabaseError)
    expect((error as Error).message).not.toMatch(/untouched/)
    expect((error as Error).message).toMatch(/rolled back.*nothing more can be recorded/)
  })

  it("another application's SQLite database is refused", () => {
    const home = tempHome()
    const db = raw(home)
    db.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY)')
    db.close()
    const before = fs.readFileSync(dbFile(home))
    expect(() => openStore(home)).toThrow(/another application/)
    expect(fs.readFileSync(dbFile(home)).equals(before)).toBe(true)
  })
})

describe('read-only opens', () => {
  it('read beside a writer without the lock, and refuse writes', () => {
    const home = tempHome()
    const writer = open(home)
    const run = writer.queue.enqueue({ config: { variant: 'U' } })
    const reader = open(home, { readonly: true })
    expect(reader.runs.list().map((r) => r.id)).toEqual([run.id])
    // a write committed later is seen by the reader's next call
    writer.metrics.appendStep(run.id, 10, { loss: 1.5 })
    expect(reader.runs.list()[0].summary.loss.last).toBe(1.5)
    expect(() => reader.queue.enqueue({ config: {} })).toThrow(StoreReadonlyError)
  })

  it('report a missing store and an older schema clearly', () => {
    const home = tempHome()
    expect(() => openStore(home, { readonly: true })).toThrow(StoreMissingError)
    const db = raw(home)
    migrate(db, MIGRATIONS.slice(0, 1))
    db.close()
    expect(() => openStore(home, { readonly: true })).toThrow(DatabaseNeedsMigrationError)
  })
})

describe('the home lock', () => {
  it('a second open fails with StoreLockedError naming the pid; closing frees it', () => {
    const home = tempHome()
    const first = open(home)
    const error = openError(home)
    expect(error).toBeInstanceOf(StoreLockedError)
    expect((error as StoreLockedError).pid).toBe(process.pid)
    expect((error as Error).message).toContain(`process ${process.pid}`)
    first.close()
    open(home).close()
  })

  it('a lock held by another live process is respected', () => {
    const home = tempHome()
    const other = process.ppid
    fs.writeFileSync(storePaths(home).lock, JSON.stringify({ pid: other, hostname: os.hostname() }))
    expect(() => openStore(home)).toThrow(`process ${other}`)
  })

  it('a stale lock (its process is gone) is taken over', () => {
    const home = tempHome()
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number
    const lock = storePaths(home).lock
    fs.writeFileSync(lock, JSON.stringify({ pid: dead, hostname: os.hostname() }))
    const store = open(home)
    expect(JSON.parse(fs.readFileSync(lock, 'utf8')).pid).toBe(process.pid)
    store.close()
    expect(fs.existsSync(lock)).toBe(false)
  })
})
