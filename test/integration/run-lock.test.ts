// One trainer per run: the lock in the run's checkpoint folder, its staleness
// rules (a dead local pid, a lease for another host, a scheduler's word for a
// job id), the watchdog keeping its lease fresh, and what the service shows
// when a second trainer is refused.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { acquireRunLock, LEASE_STALE_MS, RUN_LOCK_NAME, RunLockedError, readOwner, type RunLockOwner } from '../../src/main/trainer/run-lock.ts'
import { startWatchdog } from '../../src/main/trainer/watchdog.ts'
import { checkpointDir } from '../../src/main/service/context.ts'
import { openService, tempHome, tinyConfig, waitForStatus } from './service-helpers.ts'
import { deadPid, endAfterTest, until } from './process-helpers.ts'

function writeLock(dir: string, owner: Partial<RunLockOwner>, ageMs = 0): string {
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, RUN_LOCK_NAME)
  fs.writeFileSync(file, JSON.stringify({ host: os.hostname(), since: '2026-01-01T00:00:00.000Z', ...owner }))
  if (ageMs) {
    const then = new Date(Date.now() - ageMs)
    fs.utimesSync(file, then, then)
  }
  return file
}

/** A live process that is not this one (a second trainer, as far as the lock can tell). */
function liveProcess(): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' })
  endAfterTest(child.pid!)
  return child.pid!
}

describe('the run lock', () => {
  it('is taken with the owner written, refused to a second taker while held, and removed on release', async () => {
    const dir = path.join(tempHome(), 'checkpoints', '1')
    const lock = await acquireRunLock(dir)
    expect(readOwner(lock.path)).toMatchObject({ host: os.hostname(), pid: process.pid })
    await expect(acquireRunLock(dir, { waitMs: 300 })).rejects.toThrow(RunLockedError)
    lock.release()
    expect(fs.existsSync(lock.path)).toBe(false)
    const again = await acquireRunLock(dir, { waitMs: 0 })
    again.release()
  })

  it('a live trainer on this host: waited for, then refused with who holds it; the lock is left alone', async () => {
    const dir = path.join(tempHome(), 'checkpoints', '1')
    const pid = liveProcess()
    const file = writeLock(dir, { pid })
    const before = fs.readFileSync(file, 'utf8')
    const started = Date.now()
    const error = await acquireRunLock(dir, { waitMs: 600 }).catch((e: unknown) => e)
    expect(Date.now() - started).toBeGreaterThanOrEqual(600)
    expect(error).toBeInstanceOf(RunLockedError)
    expect((error as Error).message).toMatch(new RegExp(`^another trainer is training this run: process ${pid} on ${os.hostname()}, since 2026-01-01`))
    expect((error as Error).message).toContain(file)
    expect(fs.readFileSync(file, 'utf8')).toBe(before)
  })

  it('a live holder that exits while we wait (an orphan its watchdog is ending): taken once it is gone', async () => {
    const dir = path.join(tempHome(), 'checkpoints', '1')
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 700)'], { stdio: 'ignore' })
    writeLock(dir, { pid: child.pid! })
    const lock = await acquireRunLock(dir, { waitMs: 15_000 })
    expect(readOwner(lock.path)?.pid).toBe(process.pid)
    lock.release()
  })

  it('a lock from a dead pid on this host is stale: taken over at once', async () => {
    const dir = path.join(tempHome(), 'checkpoints', '1')
    writeLock(dir, { pid: deadPid() })
    const started = Date.now()
    const lock = await acquireRunLock(dir, { waitMs: 10_000 })
    expect(Date.now() - started).toBeLessThan(1000)
    expect(readOwner(lock.path)?.pid).toBe(process.pid)
    lock.release()
  })

  it('another host: respected while its lease is fresh, stale once not refreshed for LEASE_STALE_MS', async () => {
    const dir = path.join(tempHome(), 'checkpoints', '1')
    writeLock(dir, { host: 'node-17.cluster', pid: process.pid }, LEASE_STALE_MS - 60_000)
    await expect(acquireRunLock(dir, { waitMs: 5000 })).rejects.toThrow(/process \d+ on node-17\.cluster/)
    writeLock(dir, { host: 'node-17.cluster', pid: process.pid }, LEASE_STALE_MS + 60_000)
    const lock = await acquireRunLock(dir)
    expect(readOwner(lock.path)?.host).toBe(os.hostname())
    lock.release()
  })

  it('a job id owner: the scheduler decides when it can tell, else the lease rule', async () => {
    const dir = path.join(tempHome(), 'checkpoints', '1')
    const job = { host: 'node-3', pid: 4242, jobId: '81234' }
    writeLock(dir, job)
    await expect(acquireRunLock(dir, { jobGone: () => false })).rejects.toThrow(/job 81234 \(process 4242 on node-3\)/)
    // an old lease does not matter while the scheduler says the job runs
    writeLock(dir, job, LEASE_STALE_MS * 3)
    await expect(acquireRunLock(dir, { jobGone: () => false })).rejects.toThrow(RunLockedError)
    writeLock(dir, job)
    const asked: string[] = []
    const lock = await acquireRunLock(dir, { jobGone: (id) => (asked.push(id), true) })
    expect(asked).toEqual(['81234'])
    lock.release()
    writeLock(dir, job)
    await expect(acquireRunLock(dir, { jobGone: () => undefined })).rejects.toThrow(RunLockedError)
    writeLock(dir, job, LEASE_STALE_MS + 1000)
    ;(await acquireRunLock(dir, { jobGone: () => undefined })).release()
  })

  it('an unreadable lock (a writer that died between create and write): refused while new, taken once old', async () => {
    const dir = path.join(tempHome(), 'checkpoints', '1')
    fs.mkdirSync(dir, { recursive: true })
    const file = path.join(dir, RUN_LOCK_NAME)
    fs.writeFileSync(file, '')
    await expect(acquireRunLock(dir, { waitMs: 200 })).rejects.toThrow(/a trainer that has not yet written its name/)
    const then = new Date(Date.now() - 60_000)
    fs.utimesSync(file, then, then)
    ;(await acquireRunLock(dir)).release()
  })

  it("the watchdog keeps the lock's lease fresh from its own thread", async () => {
    const dir = path.join(tempHome(), 'checkpoints', '1')
    const lock = await acquireRunLock(dir)
    const old = new Date(Date.now() - 3_600_000)
    fs.utimesSync(lock.path, old, old)
    const watchdog = startWatchdog(process.pid, { refreshMs: 100 })
    try {
      watchdog.keepFresh(lock.path)
      await until(() => Date.now() - fs.statSync(lock.path).mtimeMs < 10_000, 5000, 'the lease to be refreshed')
    } finally {
      watchdog.stop()
      lock.release()
    }
  })
})

describe('a second trainer on one run, through the service', () => {
  it('is refused with who holds the run, pauses the run (resumable), and writes nothing into its folder', { timeout: 120_000 }, async () => {
    const home = tempHome()
    const service = openService({ homeDir: home })
    const runId = (await service.handlers['queue/add']({ config: tinyConfig() })).id
    const holder = liveProcess()
    const lockFile = writeLock(checkpointDir(home, runId), { pid: holder })
    service.start()
    await waitForStatus(service, runId, ['paused', 'failed', 'finished'], 90_000)
    const run = service.store.runs.require(runId)
    expect(run.status).toBe('paused')
    expect(run.error).toMatch(new RegExp(`^run ${runId} not started: another trainer is training this run: process ${holder} on `))
    expect(fs.readdirSync(checkpointDir(home, runId))).toEqual([RUN_LOCK_NAME])
    expect(readOwner(lockFile)?.pid).toBe(holder)
  })

  it('a stale lock left by a killed trainer is taken over: the run trains to the end and the lock goes with its trainer', { timeout: 120_000 }, async () => {
    const home = tempHome()
    const service = openService({ homeDir: home })
    const runId = (await service.handlers['queue/add']({ config: tinyConfig() })).id
    writeLock(checkpointDir(home, runId), { pid: deadPid() })
    service.start()
    await waitForStatus(service, runId, ['failed', 'finished'], 90_000)
    expect(service.store.runs.require(runId).status).toBe('finished')
    await service.whenIdle()
    expect(fs.existsSync(path.join(checkpointDir(home, runId), RUN_LOCK_NAME))).toBe(false)
  })
})
