// What must happen in a trainer even while its main thread is inside a long
// synchronous stretch (a WRN step or an evaluation on wasm takes many
// seconds, and no event, signal or timer is handled meanwhile): a tiny worker
// thread that ends the process once its parent (the lab service) is gone, and
// keeps the run lock's lease fresh (run-lock.ts).
import { Worker } from 'node:worker_threads'

/** How often the watchdog looks at the parent: a trainer outlives its parent by about this much. */
export const PARENT_CHECK_MS = 1000
/** How often the run lock's modification time is refreshed (run-lock.ts judges a lock from another host by it). */
export const LEASE_REFRESH_MS = 30_000

export interface Watchdog {
  /** refresh this file's modification time every LEASE_REFRESH_MS from now on */
  keepFresh(file: string): void
  stop(): void
}

// Plain CommonJS for eval: the worker must not need the TypeScript loader.
// The parent is gone when this process was its child and has been reparented
// (ppid changed), or when its pid no longer runs (a utility process need not be
// a direct child of Electron's main process).
const WATCHDOG_SOURCE = `
const fs = require('node:fs')
const { parentPort, workerData } = require('node:worker_threads')
const { parentPid, checkMs, refreshMs } = workerData
const wasChild = process.ppid === parentPid
const alive = (pid) => {
  try { process.kill(pid, 0); return true } catch (error) { return error.code === 'EPERM' }
}
if (parentPid !== undefined) setInterval(() => {
  if ((wasChild && process.ppid !== parentPid) || !alive(parentPid)) process.kill(process.pid, 'SIGKILL')
}, checkMs)
const fresh = new Set()
parentPort.on('message', (file) => fresh.add(file))
setInterval(() => {
  const now = new Date()
  for (const file of fresh) {
    try { fs.utimesSync(file, now, now) } catch { fresh.delete(file) }
  }
}, refreshMs)
`

/**
 * Starts the watchdog for a parent pid (undefined: a parent on another host, reached over a
 * socket; then only the lease is kept fresh). It does not keep the process alive.
 */
export function startWatchdog(parentPid: number | undefined, options: { checkMs?: number; refreshMs?: number } = {}): Watchdog {
  if (parentPid !== undefined && (!Number.isSafeInteger(parentPid) || parentPid <= 1))
    throw new Error(`the trainer's parent pid must be a process id above 1, got ${parentPid}`)
  const worker = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    workerData: { parentPid, checkMs: options.checkMs ?? PARENT_CHECK_MS, refreshMs: options.refreshMs ?? LEASE_REFRESH_MS },
    // no copy of the trainer's flags or loaders: this thread needs none
    execArgv: [],
    stdout: false,
    stderr: false
  })
  worker.unref()
  return {
    keepFresh: (file) => worker.postMessage(file),
    stop: () => void worker.terminate()
  }
}
