// The compact on-disk form of an imported dataset, in <home>/datasets/<name>/:
//   train-images.u8, test-images.u8   uint8 HWC images back to back
//   train-labels.i32, test-labels.i32 int32 little-endian labels
//   manifest.json                     shape, class names, counts, and each file's size and sha256
// A folder is written under a temporary name beside its final place and
// renamed only when complete, so a failed import never leaves half a dataset.
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Dataset, ImageSet, ProgressCallback } from './types.ts'

export const MANIFEST_FORMAT = 'fixmatch-lab-dataset/1'

export type StoredDataset = Pick<Dataset, 'name' | 'height' | 'width' | 'channels' | 'classNames' | 'train' | 'test'>

export interface Manifest {
  format: typeof MANIFEST_FORMAT
  name: string
  height: number
  width: number
  channels: number
  classNames: string[]
  counts: { train: number; test: number }
  files: Record<string, { bytes: number; sha256: string }>
  /** Where the data came from, e.g. the archive's name and MD5. */
  source: Record<string, string | boolean>
}

const SPLITS = ['train', 'test'] as const

export function datasetFolder(homeDir: string, name: string): string {
  return join(homeDir, 'datasets', name)
}

export async function readManifest(folder: string): Promise<Manifest | undefined> {
  let text: string
  try {
    text = await readFile(join(folder, 'manifest.json'), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  return validateManifest(JSON.parse(text), join(folder, 'manifest.json'))
}

/** Writes the dataset's files into `folder` (which must exist) and its manifest last. */
export async function writeStoredDataset(folder: string, data: StoredDataset, source: Manifest['source']): Promise<void> {
  const files: Manifest['files'] = {}
  for (const split of SPLITS) {
    const set = data[split]
    const labels = Buffer.alloc(set.count * 4)
    for (let i = 0; i < set.count; i++) labels.writeInt32LE(set.labels[i], i * 4)
    const entries: [string, Uint8Array][] = [
      [`${split}-images.u8`, set.images],
      [`${split}-labels.i32`, labels]
    ]
    for (const [file, bytes] of entries) {
      await writeFile(join(folder, file), bytes)
      files[file] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }
    }
  }
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    name: data.name,
    height: data.height,
    width: data.width,
    channels: data.channels,
    classNames: data.classNames,
    counts: { train: data.train.count, test: data.test.count },
    files,
    source
  }
  await writeFile(join(folder, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
}

/** Loads a stored dataset, checking every file's size and sha256 against the manifest. */
export async function loadStoredDataset(folder: string, onProgress?: ProgressCallback): Promise<StoredDataset> {
  const manifest = await readManifest(folder)
  if (!manifest) throw new Error(`${folder}: no manifest.json, so no imported dataset here`)
  const total = Object.values(manifest.files).reduce((sum, f) => sum + f.bytes, 0)
  let done = 0
  const read = async (file: string): Promise<Buffer> => {
    const path = join(folder, file)
    const expected = manifest.files[file]
    if (!expected) throw new Error(`${join(folder, 'manifest.json')}: no entry for ${file}`)
    const bytes = await readFile(path)
    if (bytes.length !== expected.bytes) throw new Error(`${path}: ${bytes.length} bytes, the manifest says ${expected.bytes}`)
    if (createHash('sha256').update(bytes).digest('hex') !== expected.sha256) {
      throw new Error(`${path}: sha256 differs from the manifest's (the file is damaged; import the dataset again)`)
    }
    done += bytes.length
    onProgress?.({ stage: 'load', done, total, unit: 'bytes' })
    return bytes
  }
  const imageBytes = manifest.height * manifest.width * manifest.channels
  const sets = {} as Record<(typeof SPLITS)[number], ImageSet>
  for (const split of SPLITS) {
    const count = manifest.counts[split]
    const images = await read(`${split}-images.u8`)
    const labelBytes = await read(`${split}-labels.i32`)
    if (images.length !== count * imageBytes || labelBytes.length !== count * 4) {
      throw new Error(`${folder}: ${split} files do not hold ${count} images of ${imageBytes} bytes and their labels`)
    }
    const labels = new Int32Array(count)
    for (let i = 0; i < count; i++) labels[i] = labelBytes.readInt32LE(i * 4)
    sets[split] = { images: new Uint8Array(images.buffer, images.byteOffset, images.length), labels, count }
  }
  const { name, height, width, channels, classNames } = manifest
  return { name, height, width, channels, classNames, train: sets.train, test: sets.test }
}

/**
 * Builds <home>/datasets/<name>/ atomically: `fill` writes into a fresh
 * temporary folder beside it, which replaces the old folder only once `fill`
 * succeeds. On failure the temporary folder is removed.
 */
export async function installDatasetFolder(homeDir: string, name: string, fill: (folder: string) => Promise<void>): Promise<string> {
  const parent = join(homeDir, 'datasets')
  await mkdir(parent, { recursive: true })
  await removeAbandonedTemporaries(parent)
  const final = datasetFolder(homeDir, name)
  const temporary = await mkdtemp(join(parent, `.${name}.partial-${process.pid}-`))
  try {
    await fill(temporary)
    const previous = `${temporary}.old`
    const hadPrevious = await exists(final)
    if (hadPrevious) await rename(final, previous)
    try {
      await rename(temporary, final)
    } catch (err) {
      if (hadPrevious) await rename(previous, final)
      throw err
    }
    if (hadPrevious) await rm(previous, { recursive: true, force: true })
    return final
  } catch (err) {
    await rm(temporary, { recursive: true, force: true })
    throw err
  }
}

/** Removes temporary folders left by a process that was killed mid-import. */
async function removeAbandonedTemporaries(parent: string): Promise<void> {
  for (const entry of await readdir(parent)) {
    const match = /^\..+\.partial-(\d+)-/.exec(entry)
    if (match && !processAlive(Number(match[1]))) await rm(join(parent, entry), { recursive: true, force: true })
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

function validateManifest(value: unknown, where: string): Manifest {
  const m = value as Partial<Manifest> | null
  const fail = (field: string, expected: string): never => {
    throw new Error(`${where}: field "${field}" must be ${expected}`)
  }
  if (!m || typeof m !== 'object') return fail('(root)', 'an object')
  if (m.format !== MANIFEST_FORMAT) fail('format', `"${MANIFEST_FORMAT}"`)
  if (typeof m.name !== 'string') fail('name', 'a string')
  for (const field of ['height', 'width', 'channels'] as const) {
    if (!Number.isInteger(m[field]) || (m[field] as number) < 1) fail(field, 'a positive integer')
  }
  if (!Array.isArray(m.classNames) || !m.classNames.every((n) => typeof n === 'string')) fail('classNames', 'an array of strings')
  for (const split of SPLITS) {
    const count = m.counts?.[split]
    if (!Number.isInteger(count) || (count as number) < 0) fail(`counts.${split}`, 'a non-negative integer')
  }
  if (!m.files || typeof m.files !== 'object') fail('files', 'an object')
  for (const [file, info] of Object.entries(m.files as object)) {
    const f = info as { bytes?: unknown; sha256?: unknown }
    if (!Number.isInteger(f?.bytes) || typeof f?.sha256 !== 'string') fail(`files.${file}`, 'an object with "bytes" and "sha256"')
  }
  return { ...(m as Manifest), source: m.source ?? {} }
}
