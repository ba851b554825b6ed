// Reads chosen members of a .tar.gz into memory in one streaming pass
// (node:zlib for gzip, node-tar's Parser for tar), with the archive's MD5
// computed on the way. Any damage becomes an error that names the archive.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { Parser, type ReadEntry } from 'tar'
import type { ProgressCallback } from './types.ts'

export interface ArchiveContents {
  /** Every file member's path, leading "./" removed. */
  paths: string[]
  /** The bytes of the members `wanted` accepted. */
  members: Map<string, Buffer>
  md5: string
}

export async function readTarGzMembers(archivePath: string, wanted: (path: string) => boolean, onProgress?: ProgressCallback): Promise<ArchiveContents> {
  let total: number
  try {
    total = (await stat(archivePath)).size
  } catch (err) {
    throw new Error(`${archivePath}: cannot read the archive (${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message})`, {
      cause: err
    })
  }
  const md5 = createHash('md5')
  const paths: string[] = []
  const members = new Map<string, Buffer>()
  let truncatedMember: string | undefined

  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      const path = entry.path.replace(/^(\.\/)+/, '')
      if (entry.type !== 'File' && entry.type !== 'OldFile') return void entry.resume()
      paths.push(path)
      if (!wanted(path)) return void entry.resume()
      const chunks: Buffer[] = []
      let received = 0
      entry.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        received += chunk.length
      })
      entry.on('end', () => {
        if (received !== entry.size) truncatedMember ??= path
        members.set(path, Buffer.concat(chunks, received))
      })
    }
  })

  let done = 0
  const hashAndCount = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      md5.update(chunk)
      done += chunk.length
      onProgress?.({ stage: 'import', done, total, unit: 'bytes' })
      callback(null, chunk)
    }
  })
  const intoParser = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (parser.write(chunk)) callback()
      else parser.once('drain', () => callback())
    },
    final(callback) {
      parser.once('end', () => callback())
      parser.end()
    }
  })
  parser.on('error', (err: Error) => intoParser.destroy(err))
  // Without `strict`, a tar data error arrives as a warning; damage of any kind must stop the import.
  parser.on('warn', (code: string, message: string) => {
    if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ENTRY_INVALID') intoParser.destroy(new TarDamage(message))
  })

  try {
    await pipeline(createReadStream(archivePath), hashAndCount, createGunzip(), intoParser)
  } catch (err) {
    throw new Error(`${archivePath}: ${describeFailure(err as NodeJS.ErrnoException)}`, { cause: err })
  }
  if (truncatedMember) throw new Error(`${archivePath}: truncated archive (member ${truncatedMember} ends early)`)
  return { paths, members, md5: md5.digest('hex') }
}

class TarDamage extends Error {}

function describeFailure(err: NodeJS.ErrnoException): string {
  if (err.code === 'Z_BUF_ERROR') return 'truncated archive (the gzip stream ends early)'
  if (err.code === 'Z_DATA_ERROR') return `not a valid gzip file or damaged (${err.message})`
  if (/Truncated input/.test(err.message)) return `truncated archive (the tar data ends inside a member: ${err.message})`
  if (err instanceof TarDamage || err.code === 'TAR_BAD_ARCHIVE') return `damaged tar data (${err.message})`
  return err.message
}
