// CIFAR-10 and CIFAR-100 from their official binary archives, imported once
// into the compact form of store.ts and loaded from there afterwards.
//
// cifar-10-binary.tar.gz:  cifar-10-batches-bin/data_batch_1..5.bin, test_batch.bin,
//                          records of 1 label byte + 3072 image bytes; batches.meta.txt
// cifar-100-binary.tar.gz: cifar-100-binary/train.bin, test.bin,
//                          records of coarse + fine label byte + 3072; fine_label_names.txt
// Image bytes are CHW (1024 red, 1024 green, 1024 blue, rows top to bottom);
// we store HWC. CIFAR-100 keeps its fine labels.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { readTarGzMembers } from './archive.ts'
import { downloadFile } from './download.ts'
import { datasetFolder, installDatasetFolder, loadStoredDataset, readManifest, writeStoredDataset, type StoredDataset } from './store.ts'
import type { Dataset, ImageSet, ProgressCallback } from './types.ts'

export type CifarName = 'cifar10' | 'cifar100'

interface CifarFormat {
  name: CifarName
  title: string
  archiveName: string
  url: string
  md5: string
  folder: string
  trainMembers: string[]
  testMembers: string[]
  namesMember: string
  /** Label bytes before each image, and which of them is the label we keep. */
  labelBytes: number
  labelIndex: number
  classCount: number
  /** The study's normalisation constants for this dataset. */
  mean: number[]
  std: number[]
}

const SIDE = 32
const IMAGE_BYTES = SIDE * SIDE * 3

export const CIFAR_FORMATS: Record<CifarName, CifarFormat> = {
  cifar10: {
    name: 'cifar10',
    title: 'CIFAR-10',
    archiveName: 'cifar-10-binary.tar.gz',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
    md5: 'c32a1d4ab5d03f1284b67883e8d87530',
    folder: 'cifar-10-batches-bin',
    trainMembers: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
    testMembers: ['test_batch.bin'],
    namesMember: 'batches.meta.txt',
    labelBytes: 1,
    labelIndex: 0,
    classCount: 10,
    mean: [0.4914, 0.4822, 0.4465],
    std: [0.2471, 0.2435, 0.2616]
  },
  cifar100: {
    name: 'cifar100',
    title: 'CIFAR-100',
    archiveName: 'cifar-100-binary.tar.gz',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
    md5: '03b5dce01913d631647c71ecec9e9cb8',
    folder: 'cifar-100-binary',
    trainMembers: ['train.bin'],
    testMembers: ['test.bin'],
    namesMember: 'fine_label_names.txt',
    labelBytes: 2,
    labelIndex: 1,
    classCount: 100,
    mean: [0.5071, 0.4867, 0.4408],
    std: [0.2675, 0.2565, 0.2761]
  }
}

export function isCifarName(name: string): name is CifarName {
  return name === 'cifar10' || name === 'cifar100'
}

/** Parses an official (or same-format) CIFAR archive into memory; which of the two it is comes from its folder name. */
export async function parseCifarArchive(
  archivePath: string,
  onProgress?: ProgressCallback
): Promise<{ data: StoredDataset; format: CifarFormat; md5: string }> {
  const folders = Object.values(CIFAR_FORMATS).map((f) => `${f.folder}/`)
  const { paths, members, md5 } = await readTarGzMembers(archivePath, (p) => folders.some((f) => p.startsWith(f)), onProgress)
  const format = Object.values(CIFAR_FORMATS).find((f) => paths.some((p) => p.startsWith(`${f.folder}/`)))
  if (!format) throw new Error(`${archivePath}: not a CIFAR binary archive (it has neither ${folders.join(' nor ')})`)

  const member = (file: string): Buffer => {
    const bytes = members.get(`${format.folder}/${file}`)
    if (!bytes) throw new Error(`${archivePath}: missing member ${format.folder}/${file}`)
    return bytes
  }
  const classNames = parseClassNames(member(format.namesMember), `${archivePath}: ${format.folder}/${format.namesMember}`, format)
  const readSet = (files: string[]): ImageSet =>
    parseRecordFiles(
      files.map((file) => ({ bytes: member(file), where: `${archivePath}: ${format.folder}/${file}` })),
      format
    )
  const data: StoredDataset = {
    name: format.name,
    height: SIDE,
    width: SIDE,
    channels: 3,
    classNames,
    train: readSet(format.trainMembers),
    test: readSet(format.testMembers)
  }
  return { data, format, md5 }
}

export interface CifarImportResult {
  name: CifarName
  folder: string
  trainCount: number
  testCount: number
  md5: string
  /** Whether the archive is byte for byte the official one. */
  officialMd5: boolean
}

/** Imports a CIFAR archive the user already has into <home>/datasets/<cifar10|cifar100>/. */
export async function importCifarArchive(
  archivePath: string,
  homeDir: string,
  options: { expectedMd5?: string; onProgress?: ProgressCallback } = {}
): Promise<CifarImportResult> {
  if (options.expectedMd5) {
    const actual = await md5OfFile(archivePath)
    if (actual !== options.expectedMd5.toLowerCase()) {
      throw new Error(`${archivePath}: wrong checksum, MD5 is ${actual} but should be ${options.expectedMd5}`)
    }
  }
  const { data, format, md5 } = await parseCifarArchive(archivePath, options.onProgress)
  const officialMd5 = md5 === format.md5
  const folder = await installDatasetFolder(homeDir, format.name, (temporary) =>
    writeStoredDataset(temporary, data, { archive: basename(archivePath), md5, officialMd5, importedAt: new Date().toISOString() })
  )
  return { name: format.name, folder, trainCount: data.train.count, testCount: data.test.count, md5, officialMd5 }
}

/**
 * Downloads the official archive into <home>/downloads/, checks its MD5,
 * imports it, and deletes it unless `keepArchive`.
 */
export async function downloadCifar(
  name: CifarName,
  homeDir: string,
  options: {
    onProgress?: ProgressCallback
    /** A mirror; with `expectedMd5` when it serves a different archive (tests do). */
    url?: string
    expectedMd5?: string
    keepArchive?: boolean
    fetch?: typeof globalThis.fetch
    signal?: AbortSignal
  } = {}
): Promise<CifarImportResult> {
  const format = CIFAR_FORMATS[name]
  const downloads = join(homeDir, 'downloads')
  await mkdir(downloads, { recursive: true })
  const archivePath = join(downloads, format.archiveName)
  await downloadFile(options.url ?? format.url, archivePath, {
    expectedMd5: options.expectedMd5 ?? format.md5,
    onProgress: options.onProgress,
    fetch: options.fetch,
    signal: options.signal
  })
  try {
    return await importCifarArchive(archivePath, homeDir, { onProgress: options.onProgress })
  } finally {
    if (!options.keepArchive) await rm(archivePath, { force: true })
  }
}

export function cifarMissingMessage(name: CifarName, homeDir: string): string {
  const format = CIFAR_FORMATS[name]
  return (
    `${format.title} is not in ${datasetFolder(homeDir, name)}. Get it with \`fixmatch-lab data download ${name}\` ` +
    `(about 170 MB from ${format.url}), or, if you already have ${format.archiveName}, ` +
    `\`fixmatch-lab data import /path/to/${format.archiveName}\`.`
  )
}

export async function isCifarInstalled(name: CifarName, homeDir: string): Promise<boolean> {
  return (await readManifest(datasetFolder(homeDir, name))) !== undefined
}

export async function loadCifar(name: CifarName, homeDir: string, onProgress?: ProgressCallback): Promise<Dataset> {
  const folder = datasetFolder(homeDir, name)
  if (!(await isCifarInstalled(name, homeDir))) throw new Error(cifarMissingMessage(name, homeDir))
  const stored = await loadStoredDataset(folder, onProgress)
  const format = CIFAR_FORMATS[name]
  if (stored.name !== name || stored.height !== SIDE || stored.width !== SIDE || stored.channels !== 3) {
    throw new Error(`${folder}: the manifest describes ${stored.name} ${stored.height}x${stored.width}x${stored.channels}, not ${name} 32x32x3`)
  }
  return {
    ...stored,
    augment: { horizontalFlip: true, padMode: 'reflect' },
    normalization: { mean: format.mean, std: format.std }
  }
}

function parseClassNames(bytes: Buffer, where: string, format: CifarFormat): string[] {
  const names = bytes
    .toString('utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
  if (names.length !== format.classCount) throw new Error(`${where}: ${names.length} class names, expected ${format.classCount}`)
  return names
}

/**
 * The records of several batch files, back to back, CHW converted to HWC.
 * Every file is checked before the output is allocated once at its full size.
 */
function parseRecordFiles(files: { bytes: Buffer; where: string }[], format: CifarFormat): ImageSet {
  const recordLength = format.labelBytes + IMAGE_BYTES
  for (const { bytes, where } of files) {
    if (bytes.length === 0) throw new Error(`${where}: empty file`)
    if (bytes.length % recordLength !== 0) {
      throw new Error(`${where}: ${bytes.length} bytes is not a multiple of the ${recordLength}-byte record length (truncated or not ${format.title})`)
    }
  }
  const count = files.reduce((sum, f) => sum + f.bytes.length / recordLength, 0)
  const images = new Uint8Array(count * IMAGE_BYTES)
  const labels = new Int32Array(count)
  const plane = SIDE * SIDE
  let n = 0
  for (const { bytes, where } of files) {
    for (let record = 0; record < bytes.length; record += recordLength, n++) {
      const label = bytes[record + format.labelIndex]
      if (label >= format.classCount) {
        throw new Error(`${where}: record ${record / recordLength} has label ${label}, outside 0..${format.classCount - 1}`)
      }
      labels[n] = label
      const pixels = record + format.labelBytes
      const out = n * IMAGE_BYTES
      for (let p = 0; p < plane; p++) {
        images[out + 3 * p] = bytes[pixels + p]
        images[out + 3 * p + 1] = bytes[pixels + plane + p]
        images[out + 3 * p + 2] = bytes[pixels + 2 * plane + p]
      }
    }
  }
  return { images, labels, count }
}

async function md5OfFile(path: string): Promise<string> {
  const hash = createHash('md5')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
