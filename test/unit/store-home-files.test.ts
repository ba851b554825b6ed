// The home folder's files: private modes (new and existing homes), an empty
// store beside earlier runs' checkpoints, the lock after a failed write, and
// file system errors named for a person.
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  StoreAccessError,
  StoreEmptyBesideRunsError,
  StoreLockedError,
  StoreMissingError,
  openStore,
  storePaths,
  translateSqliteError
} from '../../src/main/store/index.ts'
import { UNREADABLE_LOCK_STALE_MS } from '../../src/main/store/lock.ts'
import { CheckpointWriteError, writeCheckpointAtomic, type CheckpointFs } from '../../src/main/checkpoint/files.ts'
import { publishService } from '../../src/cli/service-file.ts'
import { dbFile, open, openError, tempHome } from './store-helpers.ts'

const unix = process.platform !== 'win32'
const mode = (file: string) => fs.statSync(file).mode & 0o777

afterEach(() => vi.restoreAllMocks())

describe.runIf(unix)('private modes', () => {
  it('a new home is 0700; the database, its WAL and SHM, the lock, checkpoints and service.json are 0600', () => {
    const home = path.join(tempHome(), 'new home')
    const store = open(home)
    store.queue.enqueue({ config: {} })
    const { file, lock } = storePaths(home)
    expect(mode(home)).toBe(0o700)
    for (const f of [file, `${file}-wal`, `${file}-shm`, lock]) expect([f, mode(f)]).toEqual([f, 0o600])
    const written = writeCheckpointAtomic(path.join(home, 'checkpoints', '1'), 2, Buffer.alloc(10, 1))
    expect(mode(path.join(home, 'checkpoints'))).toBe(0o700)
    expect(mode(path.dirname(written.path))).toBe(0o700)
    expect(mode(written.path)).toBe(0o600)
    const unpublish = publishService(home, { url: 'http://127.0.0.1:1', token: 't', mode: 'worker' })
    expect(mode(path.join(home, 'service.json'))).toBe(0o600)
    unpublish()
  })

  it('an existing home written with 0755/0644 is tightened at open', () => {
    const home = tempHome()
    open(home).close()
    const { file } = storePaths(home)
    const runDir = path.join(home, 'checkpoints', '4')
    fs.mkdirSync(runDir, { recursive: true, mode: 0o755 })
    fs.writeFileSync(path.join(runDir, 'step-000000002.ckpt'), 'x', { mode: 0o644 })
    fs.chmodSync(home, 0o755)
    fs.chmodSync(file, 0o644)
    fs.chmodSync(path.join(home, 'checkpoints'), 0o755)
    fs.chmodSync(runDir, 0o755)
    const store = open(home)
    store.queue.enqueue({ config: {} })
    expect(mode(home)).toBe(0o700)
    expect(mode(file)).toBe(0o600)
    expect(mode(`${file}-wal`)).toBe(0o600)
    expect(mode(path.join(home, 'checkpoints'))).toBe(0o700)
    expect(mode(runDir)).toBe(0o700)
    expect(mode(path.join(runDir, 'step-000000002.ckpt'))).toBe(0o600)
  })
})

describe('an empty runs.sqlite', () => {
  function homeWithCheckpoints(): string {
    const home = tempHome()
    for (const id of [3, 7]) {
      fs.mkdirSync(path.join(home, 'checkpoints', String(id)), { recursive: true })
      fs.writeFileSync(path.join(home, 'checkpoints', String(id), 'step-000000010.ckpt'), 'weights')
    }
    fs.writeFileSync(dbFile(home), '')
    return home
  }

  it('beside checkpoints of earlier runs is refused, read-write and read-only, and left as it was', () => {
    const home = homeWithCheckpoints()
    for (const readonly of [false, true]) {
      const error = openError(home, { readonly })
      expect(error).toBeInstanceOf(StoreEmptyBesideRunsError)
      expect((error as StoreEmptyBesideRunsError).runIds).toEqual([3, 7])
      expect((error as Error).message).toContain(dbFile(home))
      expect((error as Error).message).toContain(path.join(home, 'checkpoints'))
      expect((error as Error).message).toMatch(/restore .* from a backup/i)
    }
    expect(fs.statSync(dbFile(home)).size).toBe(0)
    expect(fs.existsSync(storePaths(home).lock)).toBe(false)
    expect(fs.readdirSync(home).sort()).toEqual(['checkpoints', 'runs.sqlite'])
  })

  it('missing beside checkpoints of earlier runs is refused too, and not created', () => {
    const home = homeWithCheckpoints()
    fs.rmSync(dbFile(home))
    expect(() => openStore(home)).toThrow(StoreEmptyBesideRunsError)
    expect(fs.readdirSync(home)).toEqual(['checkpoints'])
  })

  it('with no earlier runs beside it becomes a fresh store (read-only: nothing recorded yet)', () => {
    const home = tempHome()
    fs.mkdirSync(path.join(home, 'checkpoints', '5'), { recursive: true }) // a folder without a checkpoint file
    fs.writeFileSync(dbFile(home), '')
    expect(() => openStore(home, { readonly: true })).toThrow(StoreMissingError)
    const store = open(home)
    expect(store.runs.list()).toEqual([])
  })
})

describe('the lock file', () => {
  it('a failed lock write (disk full) leaves no lock behind and says what happened', () => {
    const home = tempHome()
    const real = fs.writeSync
    const spy = vi.spyOn(fs, 'writeSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    })
    const error = openError(home)
    expect(spy).toHaveBeenCalled()
    expect((error as Error).message).toContain(storePaths(home).lock)
    expect((error as Error).message).toMatch(/disk .*is full\. Free some space/)
    expect((error as Error).message).not.toMatch(/ENOSPC/)
    expect(fs.existsSync(storePaths(home).lock)).toBe(false)
    expect(fs.writeSync).toBe(spy)
    spy.mockImplementation(real)
    // the next command is not blocked by a leftover
    open(home).close()
  })

  it('an empty lock file is named as such, and taken over once stale', () => {
    const home = tempHome()
    const { lock } = storePaths(home)
    fs.writeFileSync(lock, '')
    const error = openError(home)
    expect(error).toBeInstanceOf(StoreLockedError)
    expect((error as Error).message).toMatch(/lock file .* is empty or unreadable/)
    expect((error as Error).message).not.toMatch(/unknown/)
    const old = (Date.now() - UNREADABLE_LOCK_STALE_MS - 1000) / 1000
    fs.utimesSync(lock, old, old)
    const store = open(home)
    expect(JSON.parse(fs.readFileSync(lock, 'utf8')).pid).toBe(process.pid)
    store.close()
  })

  it('a garbled lock file older than the grace time is taken over', () => {
    const home = tempHome()
    const { lock } = storePaths(home)
    fs.writeFileSync(lock, '{"pid": 12')
    const old = (Date.now() - UNREADABLE_LOCK_STALE_MS - 1000) / 1000
    fs.utimesSync(lock, old, old)
    open(home).close()
    expect(fs.existsSync(lock)).toBe(false)
  })
})

describe('file system errors are named', () => {
  const failing = (code: string): CheckpointFs => ({
    ...fs,
    openSync: () => {
      throw Object.assign(new Error(`${code}: raw message, open '/x'`), { code })
    }
  })

  it('checkpoint writes: read-only file system, permission denied, I/O error', () => {
    const dir = path.join(tempHome(), 'checkpoints', '1')
    const expected: Record<string, RegExp> = {
      EROFS: /read-only file system.*remount it writable/,
      EACCES: /permission denied for this user.*write access/,
      EIO: /I\/O error.*dmesg/
    }
    for (const [code, pattern] of Object.entries(expected)) {
      let error: unknown
      try {
        writeCheckpointAtomic(dir, 4, Buffer.alloc(10), failing(code))
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(CheckpointWriteError)
      expect((error as Error).message).toContain(`write the checkpoint at step 4 to ${dir}`)
      expect((error as Error).message).toMatch(pattern)
      expect((error as Error).message).not.toContain('raw message')
      expect((error as CheckpointWriteError).diskFull).toBe(false)
    }
  })

  it('service.json on a read-only file system: named, no temporary file left', () => {
    const home = tempHome()
    vi.spyOn(fs, 'renameSync').mockImplementationOnce(() => {
      throw Object.assign(new Error("EROFS: read-only file system, rename '/x'"), { code: 'EROFS' })
    })
    expect(() => publishService(home, { url: 'http://127.0.0.1:1', token: 't', mode: 'serve' })).toThrow(
      new RegExp(
        `could not publish this service's address in ${path.join(home, 'service.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: it is on a read-only file system`
      )
    )
    expect(fs.readdirSync(home)).toEqual([])
  })

  it('SQLite\'s "disk I/O error" becomes a store error naming the file and what to do', () => {
    const home = tempHome()
    open(home).close()
    const error = translateSqliteError(new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_WRITE'), dbFile(home))
    expect(error).toBeInstanceOf(StoreAccessError)
    expect((error as Error).message).toContain(dbFile(home))
    expect((error as Error).message).toMatch(/the disk reported an I\/O error/)
  })
})
