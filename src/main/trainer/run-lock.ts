// One trainer per run: before it writes anything into a run's checkpoint
// folder, the trainer creates <folder>/trainer.lock with O_EXCL, holding its
// owner, and removes it when it exits. A second trainer on the same run (an
// orphan of a dead service still training, a second home on the same folder)
// is refused instead of writing the same folder.
//
// When a lock is stale (taken over), by its owner:
// - {host, pid}, a local trainer: on this host, once that pid no longer runs
//   (or it is our own pid, which then belonged to an earlier process). From
//   another host (the home on a shared or copied folder) the pid cannot be
//   checked: the holder's watchdog refreshes the file's modification time every
//   LEASE_REFRESH_MS, also during long synchronous steps, and the lock is stale
//   once it has not been refreshed for LEASE_STALE_MS. A run moved to another
//   host after its node died waits at most that long.
// - {jobId}, a trainer run by a cluster scheduler (issue 12, Slurm): stale once
//   the scheduler says the job is gone (`jobGone`); while nobody can ask the
//   scheduler (undefined), the lease rule above applies.
// - unreadable (a writer between create and write, or one that died there):
//   once it is UNREADABLE_STALE_MS old.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { processIsAlive } from '../process-alive.ts'
import { LEASE_REFRESH_MS } from './watchdog.ts'

export const RUN_LOCK_NAME = 'trainer.lock'
/** a lock from another host not refreshed for this long is stale (10 missed refreshes) */
export const LEASE_STALE_MS = 10 * LEASE_REFRESH_MS
const UNREADABLE_STALE_MS = 10_000

// Locks this process holds: our own pid in a lock we do not hold is an earlier process's.
const held = new Set<string>()

export interface RunLockOwner {
  host: string
  pid: number
  /** the scheduler's job id when a cluster scheduler runs the trainer (issue 12) */
  jobId?: string
  since: string
}

export interface RunLock {
  readonly path: string
  release(): void
}

export interface RunLockOptions {
  /** how long to wait for a live holder on this host to go (an orphan that its watchdog is ending) */
  waitMs?: number
  /** whether the scheduler says this job is gone; undefined: it cannot tell */
  jobGone?: (jobId: string) => boolean | undefined
  jobId?: string
  now?: () => number
}

export class RunLockedError extends Error {
  constructor(
    readonly lockPath: string,
    readonly owner: RunLockOwner | undefined
  ) {
    super(
      `another trainer is training this run: ${describeOwner(owner)} holds ${lockPath}. Only one trainer may write a run's checkpoints; stop that one first (if no such process runs, delete the lock file)`
    )
  }
}

/** Takes the run's lock, waiting up to waitMs (default 15 s) for a live local holder to go. */
export async function acquireRunLock(checkpointDir: string, options: RunLockOptions = {}): Promise<RunLock> {
  const lockPath = path.join(checkpointDir, RUN_LOCK_NAME)
  fs.mkdirSync(checkpointDir, { recursive: true, mode: 0o700 })
  const me: RunLockOwner = { host: os.hostname(), pid: process.pid, ...(options.jobId ? { jobId: options.jobId } : {}), since: new Date().toISOString() }
  const deadline = Date.now() + (options.waitMs ?? 15_000)
  for (;;) {
    if (tryCreate(lockPath, me)) break
    const seen = readOwner(lockPath)
    if (isStale(lockPath, seen, options)) {
      removeIfUnchanged(lockPath, seen)
      continue
    }
    const waitable = seen !== undefined && seen.host === me.host && !seen.jobId && seen.pid !== me.pid
    if (!waitable || Date.now() >= deadline) throw new RunLockedError(lockPath, seen)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  held.add(lockPath)
  return {
    path: lockPath,
    release() {
      if (!held.delete(lockPath)) return
      const owner = readOwner(lockPath)
      if (owner?.pid === me.pid && owner.host === me.host && owner.since === me.since) fs.rmSync(lockPath, { force: true })
    }
  }
}

function tryCreate(lockPath: string, owner: RunLockOwner): boolean {
  let fd: number
  try {
    fd = fs.openSync(lockPath, 'wx', 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    fs.writeSync(fd, JSON.stringify(owner))
  } catch (error) {
    // an empty lock would block the next trainer for UNREADABLE_STALE_MS for nothing
    fs.closeSync(fd)
    fs.rmSync(lockPath, { force: true })
    throw error
  }
  fs.closeSync(fd)
  return true
}

export function readOwner(lockPath: string): RunLockOwner | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as Partial<RunLockOwner>
    if (Number.isSafeInteger(parsed.pid) && typeof parsed.host === 'string' && typeof parsed.since === 'string') {
      return { host: parsed.host, pid: parsed.pid!, since: parsed.since, ...(typeof parsed.jobId === 'string' ? { jobId: parsed.jobId } : {}) }
    }
  } catch {
    // missing or half-written: judged by age
  }
  return undefined
}

function isStale(lockPath: string, owner: RunLockOwner | undefined, options: RunLockOptions): boolean {
  const mtime = fs.statSync(lockPath, { throwIfNoEntry: false })?.mtimeMs
  if (mtime === undefined) return true // gone meanwhile: try again
  const age = (options.now?.() ?? Date.now()) - mtime
  if (!owner) return age > UNREADABLE_STALE_MS
  if (owner.jobId) {
    const gone = options.jobGone?.(owner.jobId)
    if (gone !== undefined) return gone
    return age > LEASE_STALE_MS
  }
  if (owner.host !== os.hostname()) return age > LEASE_STALE_MS
  if (owner.pid === process.pid) return !held.has(lockPath)
  return !processIsAlive(owner.pid)
}

function removeIfUnchanged(lockPath: string, seen: RunLockOwner | undefined): void {
  const now = readOwner(lockPath)
  if (now?.pid === seen?.pid && now?.host === seen?.host && now?.since === seen?.since) fs.rmSync(lockPath, { force: true })
}

function describeOwner(owner: RunLockOwner | undefined): string {
  if (!owner) return 'a trainer that has not yet written its name'
  const who = owner.jobId ? `job ${owner.jobId} (process ${owner.pid} on ${owner.host})` : `process ${owner.pid} on ${owner.host}`
  return `${who}, since ${owner.since}`
}
