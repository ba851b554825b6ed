// Worker thread: prepares batches for BatchPrefetcher.
import { parentPort, workerData } from 'node:worker_threads'
import type { BatchJob, ImagePool, PrepareOptions } from './batch-job.ts'
import { prepareBatch } from './prepare.ts'

const { pool, options } = workerData as { pool: ImagePool; options: PrepareOptions }

parentPort!.on('message', (job: BatchJob) => {
  try {
    const batch = prepareBatch(pool, job, options)
    const transfer = [
      batch.labeledImages,
      batch.weakImages,
      batch.strongImages,
      batch.labels,
      batch.unlabeledPositions,
      batch.unlabeledTrueLabels,
      batch.simclrViews
    ]
      .filter((a): a is NonNullable<typeof a> => a !== undefined)
      .map((a) => a.buffer as ArrayBuffer)
    parentPort!.postMessage({ step: job.step, batch }, transfer)
  } catch (err) {
    parentPort!.postMessage({ step: job.step, error: (err as Error).message })
  }
})
