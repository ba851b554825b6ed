// A portable run: one tar file with the run's whole record (the store's JSON
// export: config, provenance, metrics, events, tags, note) and its newest
// valid checkpoint, so another install shows it like its own and can resume
// it where it stopped. Plain JSON exports (no checkpoint) import too.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { create as createTar, extract as extractTar } from 'tar'
import { z } from 'zod'
import { issueField, issueText } from '../../shared/schema-issues.ts'
import { StoreInputError, type RunRecord, type RunStore } from '../store/index.ts'
import { sha256Of, writeCheckpointAtomic } from '../checkpoint/files.ts'
import { deserializeState } from '../checkpoint/format.ts'
import { checkpointDir } from './context.ts'

export const BUNDLE_FORMAT = 'fixmatch-lab-bundle/1' as const
const MANIFEST = 'manifest.json'
const RUN_FILE = 'run.json'
const CHECKPOINT_FILE = 'checkpoint.ckpt'
const KNOWN_FILES = [MANIFEST, RUN_FILE, CHECKPOINT_FILE]

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected a sha256 (64 hex digits)' })
const count = z.int({ error: 'expected an integer >= 0' }).min(0, { error: 'expected an integer >= 0' })

/** manifest.json: what the bundle holds; parsed by this schema on import, every field named by its path. */
const bundleManifestSchema = z.object(
  {
    format: z.literal(BUNDLE_FORMAT, { error: `expected "${BUNDLE_FORMAT}" (a bundle from a newer FixMatch Lab?)` }),
    exportedAt: z.string({ error: 'expected a time' }),
    sourceRunId: count,
    checkpoint: z
      .object({ file: z.literal(CHECKPOINT_FILE), step: count, bytes: count, sha256 }, { error: 'expected null or { step, bytes, sha256 }' })
      .nullable()
  },
  { error: 'expected an object' }
)
type BundleManifest = z.infer<typeof bundleManifestSchema>

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

/** Bad content in a bundle: the message names the bundle file, then the field. */
export class BundleInputError extends StoreInputError {
  constructor(
    readonly bundle: string,
    field: string,
    message: string
  ) {
    super(field, message)
    this.message = `${bundle}: ${field}: ${message}`
  }
}

/** Imports a bundle (or a plain JSON export) as a new run of this store, its checkpoint under this home. */
export async function importRunBundle(store: RunStore, homeDir: string, file: string): Promise<RunRecord> {
  try {
    return await importFile(store, homeDir, file)
  } catch (error) {
    // a field of the run's record (run.step, ...) or of the bundle, named with the file it came in
    if (error instanceof StoreInputError && !(error instanceof BundleInputError)) {
      const prefix = `${error.field}: `
      throw new BundleInputError(file, error.field, error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message)
    }
    throw error
  }
}

async function importFile(store: RunStore, homeDir: string, file: string): Promise<RunRecord> {
  if (looksLikeJson(file)) return store.imports.importRun(readJson(file, path.basename(file)))
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'fixmatch-import-'))
  try {
    // the type of each known name in the archive, so that a link under one is named as such
    const entries = new Map<string, string>()
    try {
      // only the three known names, never links or folders: nothing else leaves the archive
      await extractTar({
        file,
        cwd: staging,
        strict: true,
        filter: (name, entry) => {
          if (!KNOWN_FILES.includes(name)) return false
          const type = 'type' in entry ? entry.type : 'File'
          entries.set(name, type)
          return type === 'File'
        }
      })
    } catch (error) {
      throw new StoreInputError('bundle', `not a FixMatch Lab run bundle (${(error as Error).message})`)
    }
    const member = (name: string) => {
      const type = entries.get(name)
      if (type === undefined) return undefined
      if (type !== 'File') throw new StoreInputError(name, `is a ${type} in the bundle, not a file (links and folders are not read)`)
      return path.join(staging, name)
    }
    const manifestFile = member(MANIFEST)
    if (!manifestFile) throw new StoreInputError(MANIFEST, 'missing: the bundle has none (not a FixMatch Lab run bundle?)')
    const manifest = checkManifest(readJson(manifestFile, MANIFEST))
    const runFile = member(RUN_FILE)
    if (!runFile) throw new StoreInputError(RUN_FILE, 'missing: the bundle has no record of its run')
    const run = readJson(runFile, RUN_FILE)
    let checkpointBytes: Buffer | undefined
    if (manifest.checkpoint) {
      const checkpointFile = member(CHECKPOINT_FILE)
      if (!checkpointFile)
        throw new StoreInputError(CHECKPOINT_FILE, `missing: ${MANIFEST} records a checkpoint at step ${manifest.checkpoint.step}, the bundle holds none`)
      checkpointBytes = readCheckpoint(checkpointFile, manifest.checkpoint)
    }
    let placed: string | undefined
    try {
      return store.transaction(() => {
        const record = store.imports.importRun(run)
        if (manifest.checkpoint && checkpointBytes) {
          // a checkpoint past the run's length belongs to another run (the transaction undoes the import)
          if (manifest.checkpoint.step > record.totalSteps) {
            throw new StoreInputError(`${MANIFEST}.checkpoint.step`, `${manifest.checkpoint.step} is past the run's ${record.totalSteps} steps`)
          }
          placed = writeCheckpointAtomic(checkpointDir(homeDir, record.id), manifest.checkpoint.step, checkpointBytes).path
          store.checkpoints.add({
            runId: record.id,
            step: manifest.checkpoint.step,
            path: placed,
            bytes: checkpointBytes.length,
            sha256: manifest.checkpoint.sha256
          })
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
  const result = bundleManifestSchema.safeParse(value, { reportInput: true })
  if (result.success) return result.data
  const issue = result.error.issues[0]
  throw new StoreInputError(issue.path.length ? `${MANIFEST}.${issueField(issue)}` : MANIFEST, issueText(issue))
}

/** The checkpoint's bytes, after its size, sha256 and its own step agree with the manifest. */
function readCheckpoint(file: string, expected: { step: number; bytes: number; sha256: string }): Buffer {
  const bytes = fs.readFileSync(file)
  if (bytes.length !== expected.bytes || sha256Of(bytes) !== expected.sha256) {
    throw new StoreInputError(
      CHECKPOINT_FILE,
      `does not match the bundle's record (${bytes.length} bytes, ${expected.bytes} recorded, or another sha256): the bundle is damaged`
    )
  }
  let ownStep: number
  try {
    ownStep = deserializeState(bytes, CHECKPOINT_FILE).step
  } catch (error) {
    throw new StoreInputError(CHECKPOINT_FILE, `cannot be read as a checkpoint (${(error as Error).message})`)
  }
  if (ownStep !== expected.step) {
    throw new StoreInputError(`${MANIFEST}.checkpoint.step`, `${expected.step}, but the checkpoint itself holds step ${ownStep}`)
  }
  return bytes
}
