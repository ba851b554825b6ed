// A portable run: one tar file with the run's whole record (the store's JSON
// export: config, provenance, metrics, events, tags, note) and its newest
// valid checkpoint, so another install shows it like its own and can resume
// it where it stopped. Plain JSON exports (no checkpoint) import too.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { create as createTar, extract as extractTar } from 'tar'
import { StoreInputError, type RunRecord, type RunStore } from '../store/index.ts'
import { checkpointFileName, sha256Of } from '../trainer/checkpoint-file.ts'
import { checkpointDir } from './context.ts'

export const BUNDLE_FORMAT = 'fixmatch-lab-bundle/1' as const
const MANIFEST = 'manifest.json'
const RUN_FILE = 'run.json'
const CHECKPOINT_FILE = 'checkpoint.ckpt'

interface BundleManifest {
  format: typeof BUNDLE_FORMAT
  exportedAt: string
  sourceRunId: number
  checkpoint: { file: typeof CHECKPOINT_FILE; step: number; bytes: number; sha256: string } | null
}

/** Writes the bundle (atomically: a partial file, then a rename). Reads only, so a read-only store will do. */
export async function writeRunBundle(store: RunStore, runId: number, outFile: string): Promise<{ bytes: number; checkpointStep: number | null }> {
  const run = store.exports.runJson(runId)
  const checkpoint = store.checkpoints.latest(runId, 'sha256')
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'fixmatch-bundle-'))
  const partial = `${outFile}.partial`
  try {
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      exportedAt: new Date().toISOString(),
      sourceRunId: runId,
      checkpoint: checkpoint ? { file: CHECKPOINT_FILE, step: checkpoint.step, bytes: checkpoint.bytes, sha256: checkpoint.sha256 } : null
    }
    fs.writeFileSync(path.join(staging, MANIFEST), JSON.stringify(manifest, null, 2))
    fs.writeFileSync(path.join(staging, RUN_FILE), JSON.stringify(run))
    const files = [MANIFEST, RUN_FILE]
    if (checkpoint) {
      fs.copyFileSync(checkpoint.path, path.join(staging, CHECKPOINT_FILE))
      files.push(CHECKPOINT_FILE)
    }
    await createTar({ file: partial, cwd: staging, portable: true }, files)
    fs.renameSync(partial, outFile)
    return { bytes: fs.statSync(outFile).size, checkpointStep: checkpoint?.step ?? null }
  } catch (error) {
    fs.rmSync(partial, { force: true })
    throw error
  } finally {
    fs.rmSync(staging, { recursive: true, force: true })
  }
}

/** Imports a bundle (or a plain JSON export) as a new run of this store, its checkpoint under this home. */
export async function importRunBundle(store: RunStore, homeDir: string, file: string): Promise<RunRecord> {
  if (looksLikeJson(file)) return store.imports.importRun(readJson(file, path.basename(file)))
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'fixmatch-import-'))
  try {
    try {
      // only the three known names, never links or folders: nothing else leaves the archive
      await extractTar({ file, cwd: staging, strict: true, filter: (name, entry) => [MANIFEST, RUN_FILE, CHECKPOINT_FILE].includes(name) && (!('type' in entry) || entry.type === 'File') })
    } catch (error) {
      throw new StoreInputError('bundle', `${file} is not a FixMatch Lab run bundle (${(error as Error).message})`)
    }
    const manifest = checkManifest(readJson(path.join(staging, MANIFEST), MANIFEST))
    const run = readJson(path.join(staging, RUN_FILE), RUN_FILE)
    const checkpointBytes = manifest.checkpoint ? readCheckpoint(path.join(staging, CHECKPOINT_FILE), manifest.checkpoint) : undefined
    let placed: string | undefined
    try {
      return store.transaction(() => {
        const record = store.imports.importRun(run)
        if (manifest.checkpoint && checkpointBytes) {
          placed = placeCheckpoint(checkpointDir(homeDir, record.id), manifest.checkpoint.step, checkpointBytes)
          store.checkpoints.add({ runId: record.id, step: manifest.checkpoint.step, path: placed, bytes: checkpointBytes.length, sha256: manifest.checkpoint.sha256 })
        }
        return store.runs.require(record.id)
      })
    } catch (error) {
      if (placed) fs.rmSync(path.dirname(placed), { recursive: true, force: true })
      throw error
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true })
  }
}

function looksLikeJson(file: string): boolean {
  const fd = fs.openSync(file, 'r')
  try {
    const head = Buffer.alloc(64)
    const read = fs.readSync(fd, head, 0, head.length, 0)
    return head.subarray(0, read).toString('utf8').trimStart().startsWith('{')
  } finally {
    fs.closeSync(fd)
  }
}

function readJson(file: string, what: string): unknown {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    throw new StoreInputError(what, `the bundle has no ${what}`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new StoreInputError(what, `not valid JSON (${(error as Error).message})`)
  }
}

function checkManifest(value: unknown): BundleManifest {
  const m = value as Partial<BundleManifest> | null
  if (typeof m !== 'object' || m === null) throw new StoreInputError(MANIFEST, 'expected an object')
  if (m.format !== BUNDLE_FORMAT) {
    throw new StoreInputError(`${MANIFEST}.format`, `expected "${BUNDLE_FORMAT}", got ${JSON.stringify(m.format)} (a bundle from a newer FixMatch Lab?)`)
  }
  const c = m.checkpoint
  if (c !== null && (typeof c !== 'object' || !Number.isSafeInteger(c?.step) || !Number.isSafeInteger(c?.bytes) || !/^[0-9a-f]{64}$/.test(String(c?.sha256)))) {
    throw new StoreInputError(`${MANIFEST}.checkpoint`, 'expected null or { step, bytes, sha256 }')
  }
  return m as BundleManifest
}

function readCheckpoint(file: string, expected: { bytes: number; sha256: string }): Buffer {
  const bytes = fs.readFileSync(file)
  if (bytes.length !== expected.bytes || sha256Of(bytes) !== expected.sha256) {
    throw new StoreInputError(CHECKPOINT_FILE, `does not match the bundle's record (${bytes.length} bytes, ${expected.bytes} recorded, or another sha256): the bundle is damaged`)
  }
  return bytes
}

/** Writes the checkpoint under this home, atomically (a temp file, then a rename). */
function placeCheckpoint(dir: string, step: number, bytes: Buffer): string {
  fs.mkdirSync(dir, { recursive: true })
  const final = path.join(dir, checkpointFileName(step))
  const temp = `${final}.${process.pid}.tmp`
  fs.writeFileSync(temp, bytes)
  fs.renameSync(temp, final)
  return final
}
