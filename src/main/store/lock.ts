// One writer per home folder: a lock file created with O_EXCL holding the
// owner's pid. A lock whose process no longer runs is stale and taken over.
import fs from 'node:fs'
import os from 'node:os'
import { StoreLockedError } from './errors.ts'
import { processIsAlive } from '../process-alive.ts'
import { nameFileError, PRIVATE_FILE_MODE } from '../home-files.ts'

interface LockOwner {
  pid: number
  hostname: string
}

export interface StoreLock {
  readonly path: string
  release(): void
}

// Locks this process holds: our own pid in a lock file we do not hold means a
// previous process that had the same pid, so that lock is stale.
const held = new Set<string>()

export function acquireLock(lockPath: string): StoreLock {
  if (!tryCreate(lockPath)) {
    const seen = readOwner(lockPath)
    if (!isStale(lockPath, seen)) throw lockedError(lockPath, seen)
    removeIfUnchanged(lockPath, seen)
    // A racing process may have taken it between our read and our create.
    if (!tryCreate(lockPath)) throw lockedError(lockPath, readOwner(lockPath))
  }
  held.add(lockPath)
  return {
    path: lockPath,
    release() {
      if (!held.delete(lockPath)) return
      const owner = readOwner(lockPath)
      if (owner?.pid === process.pid && owner.hostname === os.hostname()) fs.rmSync(lockPath, { force: true })
    }
  }
}

function tryCreate(lockPath: string): boolean {
  let fd: number
  try {
    fd = fs.openSync(lockPath, 'wx', PRIVATE_FILE_MODE)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw nameFileError(error, lockPath, 'create the lock file')
  }
  try {
    try {
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, hostname: os.hostname(), since: new Date().toISOString() }))
    } finally {
      fs.closeSync(fd)
    }
  } catch (error) {
    // an empty lock left behind would block every other command until it went stale
    fs.rmSync(lockPath, { force: true })
    throw nameFileError(error, lockPath, 'write the lock file')
  }
  return true
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as Partial<LockOwner>
    if (Number.isInteger(parsed.pid) && typeof parsed.hostname === 'string') return { pid: parsed.pid as number, hostname: parsed.hostname }
  } catch {
    // missing or half-written: judged by age below
  }
  return undefined
}

/**
 * An empty or garbled lock file is a writer between its create and its write
 * (microseconds), or one that died there: stale after this long.
 */
export const UNREADABLE_LOCK_STALE_MS = 2000

function isStale(lockPath: string, owner: LockOwner | undefined): boolean {
  if (!owner) {
    const age = Date.now() - (fs.statSync(lockPath, { throwIfNoEntry: false })?.mtimeMs ?? 0)
    return age > UNREADABLE_LOCK_STALE_MS
  }
  // Another machine's pid (a shared network folder) cannot be checked: respect it.
  if (owner.hostname !== os.hostname()) return false
  if (owner.pid === process.pid) return !held.has(lockPath)
  return !processIsAlive(owner.pid)
}

function removeIfUnchanged(lockPath: string, seen: LockOwner | undefined): void {
  const now = readOwner(lockPath)
  if (now?.pid !== seen?.pid || now?.hostname !== seen?.hostname) return
  try {
    fs.rmSync(lockPath, { force: true })
  } catch (error) {
    throw nameFileError(error, lockPath, 'remove the stale lock file')
  }
}

function lockedError(lockPath: string, owner: LockOwner | undefined): StoreLockedError {
  return new StoreLockedError(lockPath, owner?.pid, owner?.hostname)
}
