// Downloads one file over HTTP(S) with progress and an MD5 check. The body is
// written to "<dest>.partial" and renamed only when complete and verified.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ProgressCallback } from './types.ts'

export interface DownloadOptions {
  expectedMd5?: string
  onProgress?: ProgressCallback
  /** Replaceable so tests can serve bytes without a network. */
  fetch?: typeof globalThis.fetch
  signal?: AbortSignal
}

export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<{ md5: string; bytes: number }> {
  const fetchImpl = options.fetch ?? globalThis.fetch
  let response: Response
  try {
    response = await fetchImpl(url, { signal: options.signal })
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message
    throw new Error(`could not reach ${url}: ${cause}`, { cause: err })
  }
  if (!response.ok || !response.body) throw new Error(`download of ${url} failed: HTTP ${response.status} ${response.statusText}`)

  const lengthHeader = Number(response.headers.get('content-length'))
  const total = Number.isFinite(lengthHeader) && lengthHeader > 0 ? lengthHeader : undefined
  const md5 = createHash('md5')
  let done = 0
  const hashAndCount = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      md5.update(chunk)
      done += chunk.length
      options.onProgress?.({ stage: 'download', done, total, unit: 'bytes' })
      callback(null, chunk)
    }
  })
  const partial = `${dest}.partial`
  try {
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>)
    await pipeline(body, hashAndCount, createWriteStream(partial))
    if (total !== undefined && done !== total) throw new Error(`download of ${url} ended after ${done} of ${total} bytes`)
    const digest = md5.digest('hex')
    if (options.expectedMd5 && digest !== options.expectedMd5.toLowerCase()) {
      throw new Error(`${url}: wrong checksum, MD5 is ${digest} but should be ${options.expectedMd5} (damaged download)`)
    }
    await rename(partial, dest)
    return { md5: digest, bytes: done }
  } catch (err) {
    await rm(partial, { force: true })
    throw err
  }
}
