// Prepares batches ahead of the training step in worker threads (the step
// runs on this thread), so augmentation overlaps with the forward/backward.
// Every batch's randomness comes from its job's seed, so the result does not
// depend on which worker made it or on how many there are.
import { Worker } from 'node:worker_threads'
import type { TrainBatch } from '../step.ts'
import type { BatchJob, ImagePool, PrepareOptions } from './batch-job.ts'
import { prepareBatch } from './prepare.ts'

export interface PreparedBatch {
  batch: TrainBatch
  /** milliseconds the training thread waited for this batch */
  waitMs: number
}

/** Copies the pool into shared memory once, so workers read it without copies. */
function sharePool(pool: ImagePool): ImagePool {
  if (pool.images.buffer instanceof SharedArrayBuffer) return pool
  const images = new Uint8Array(new SharedArrayBuffer(pool.images.byteLength))
  images.set(pool.images)
  const labels = new Int32Array(new SharedArrayBuffer(pool.labels.byteLength))
  labels.set(pool.labels)
  return { images, labels, shape: pool.shape }
}

function workerScript(): { url: URL; tsEntry?: string } {
  const self = import.meta.url
  if (self.endsWith('.ts')) {
    // Running from TypeScript sources (the tests, through vitest): a JS boot file loads tsx, then the entry.
    return { url: new URL('./ts-worker-boot.mjs', self), tsEntry: new URL('./prepare-worker.ts', self).href }
  }
  // Built (out/cli/, electron-vite's out/main/, the worker bundle's lib/): the worker is its own output file beside this one.
  return { url: new URL('./prepare-worker.js', self) }
}

export class BatchPrefetcher {
  private readonly workers: Worker[] = []
  private readonly pending = new Map<number, Promise<TrainBatch>>()
  private nextToSchedule: number
  private roundRobin = 0
  private readonly waiting = new Map<number, { resolve: (b: TrainBatch) => void; reject: (e: Error) => void }>()
  private failed: Error | undefined

  constructor(
    private readonly pool: ImagePool,
    private readonly options: PrepareOptions,
    private readonly makeJob: (step: number) => BatchJob,
    private readonly lastStep: number,
    firstStep: number,
    workerCount: number,
    private readonly depth = Math.max(2, workerCount * 2)
  ) {
    this.nextToSchedule = firstStep
    if (workerCount > 0) {
      const shared = sharePool(pool)
      const { url, tsEntry } = workerScript()
      for (let i = 0; i < workerCount; i++) {
        const worker = new Worker(url, { workerData: { pool: shared, options, tsEntry } })
        worker.on('message', (msg: { step: number; batch?: TrainBatch; error?: string }) => this.onMessage(msg))
        worker.on('error', (err) => this.fail(err))
        this.workers.push(worker)
      }
    }
  }

  /** The batch for `step` (steps must be asked for in order). */
  async next(step: number): Promise<PreparedBatch> {
    const started = performance.now()
    this.fill(step)
    const promise = this.pending.get(step) ?? this.schedule(step)
    this.pending.delete(step)
    const batch = await promise
    const waitMs = performance.now() - started
    this.fill(step + 1)
    return { batch, waitMs }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
    this.workers.length = 0
  }

  private fill(from: number): void {
    if (this.nextToSchedule < from) this.nextToSchedule = from
    while (this.nextToSchedule <= this.lastStep && this.nextToSchedule < from + this.depth) {
      this.pending.set(this.nextToSchedule, this.schedule(this.nextToSchedule))
      this.nextToSchedule++
    }
  }

  private schedule(step: number): Promise<TrainBatch> {
    const job = this.makeJob(step)
    if (this.workers.length === 0) {
      // No workers: prepare lazily on this thread when the step asks for it.
      return new Promise((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve(prepareBatch(this.pool, job, this.options))
          } catch (err) {
            reject(err as Error)
          }
        })
      )
    }
    if (this.failed) return Promise.reject(this.failed)
    const worker = this.workers[this.roundRobin++ % this.workers.length]
    const promise = new Promise<TrainBatch>((resolve, reject) => this.waiting.set(step, { resolve, reject }))
    promise.catch(() => undefined) // rejections surface through next()
    worker.postMessage(job)
    return promise
  }

  private onMessage(msg: { step: number; batch?: TrainBatch; error?: string }): void {
    const waiter = this.waiting.get(msg.step)
    if (!waiter) return
    this.waiting.delete(msg.step)
    if (msg.error) waiter.reject(new Error(`preparing batch ${msg.step}: ${msg.error}`))
    else waiter.resolve(msg.batch!)
  }

  private fail(err: Error): void {
    this.failed = err
    for (const waiter of this.waiting.values()) waiter.reject(err)
    this.waiting.clear()
  }
}
