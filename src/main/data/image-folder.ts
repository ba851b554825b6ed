// A user's own images as a dataset. The layout:
//
//   <root>/<class>/...              PNG or JPEG files, one sub-folder per class (nested folders allowed)
//   <root>/test/<class>/...         optional held-out test set, same layout
//   <root>/unlabeled/...            optional images without labels (Dataset.extraUnlabeled)
//
// - Class names are the sub-folder names sorted by code point; "test" and
//   "unlabeled" are reserved. Files are taken in path order; names starting
//   with "." and files not ending in .png/.jpg/.jpeg are skipped.
// - Test set: `test/` when present (its classes must be training classes).
//   Otherwise, per class, min(round(testShare * n), n - 1) images are held
//   out: one Rng(heldOutSeed) shuffles each class's files in class order and
//   the first ones go to test. The seed defaults to 0 and is deliberately not
//   the run's seed, so every run on a folder sees the same test set.
// - Channels: 1 when every image is gray (R = G = B everywhere), else 3;
//   palette and gray expand to RGB, alpha is dropped.
// - Size: every image must have the first image's size, unless `size` or
//   `resize` is given: then all are resized to `size` (default: the first
//   image's) with `resize` (default 'bilinear'; see resizeRgb).
import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, join, relative } from 'node:path'
import { Rng } from '../../shared/rng.ts'
import { decodeImage, resizeRgb, type ResizeMethod } from './image-decode.ts'
import { channelStats, type Dataset, type ImageSet, type ProgressCallback } from './types.ts'

export interface ImageFolderOptions {
  /** Share of each class held out for testing when there is no test/ folder; default 0.2. */
  testShare?: number
  /** Seed of the held-out draw; default 0. */
  heldOutSeed?: number
  size?: { height: number; width: number }
  resize?: ResizeMethod
  /** Default true: mirror images in the weak view (set false for text, digits, ...). */
  horizontalFlip?: boolean
  onProgress?: ProgressCallback
}

const RESERVED = new Set(['test', 'unlabeled'])
const IMAGE_FILE = /\.(png|jpe?g)$/i

interface Listing {
  files: string[]
  labels: number[]
}

export async function loadImageFolder(root: string, options: ImageFolderOptions = {}): Promise<Dataset> {
  const testShare = options.testShare ?? 0.2
  if (!(testShare >= 0 && testShare < 1)) throw new Error(`testShare must be in [0, 1), got ${testShare}`)
  if (options.size) {
    const { height, width } = options.size
    if (!Number.isInteger(height) || height < 1 || !Number.isInteger(width) || width < 1) {
      throw new Error(`size must be positive integers, got ${height}x${width}`)
    }
  }
  if (!(await isDirectory(root))) throw new Error(`${root}: not a folder`)

  const classNames = (await subfolders(root)).filter((name) => !RESERVED.has(name))
  const labeled = await listClasses(root, classNames)
  if (labeled.files.length === 0) {
    throw new Error(`${root}: no images (expected one sub-folder of PNG or JPEG files per class)`)
  }
  if (classNames.length < 2) {
    throw new Error(`${root}: only one class folder ("${classNames[0]}"); a classifier needs at least two`)
  }

  let train: Listing
  let test: Listing
  const testRoot = join(root, 'test')
  if (await isDirectory(testRoot)) {
    const testClasses = await subfolders(testRoot)
    const unknown = testClasses.find((name) => !classNames.includes(name))
    if (unknown !== undefined) throw new Error(`${join(testRoot, unknown)}: class "${unknown}" has no training folder`)
    train = labeled
    test = await listClasses(testRoot, testClasses, classNames)
  } else {
    ;({ train, test } = holdOut(labeled, classNames.length, testShare, options.heldOutSeed ?? 0))
  }
  const unlabeledRoot = join(root, 'unlabeled')
  const unlabeledFiles = (await isDirectory(unlabeledRoot)) ? await imageFiles(unlabeledRoot) : []

  const decoder = new Decoder(options, train.files.length + test.files.length + unlabeledFiles.length)
  const trainSet = await decoder.decodeAll(train.files, train.labels)
  const testSet = await decoder.decodeAll(test.files, test.labels)
  const extra = unlabeledFiles.length > 0 ? await decoder.decodeAll(unlabeledFiles, unlabeledFiles.map(() => -1)) : undefined

  const channels = decoder.allGray ? 1 : 3
  const sets = [trainSet, testSet, ...(extra ? [extra] : [])].map((set) => (channels === 1 ? firstChannel(set) : set))
  return {
    name: `folder:${basename(root)}`,
    height: decoder.height,
    width: decoder.width,
    channels,
    classNames,
    train: sets[0],
    test: sets[1],
    ...(extra ? { extraUnlabeled: sets[2] } : {}),
    augment: { horizontalFlip: options.horizontalFlip ?? true, padMode: 'reflect' },
    normalization: channelStats(sets[0].images, channels)
  }
}

/** Decodes files into RGB sets of one size, remembering whether all were gray. */
class Decoder {
  height = 0
  width = 0
  allGray = true
  private firstFile = ''
  private done = 0

  constructor(
    private readonly options: ImageFolderOptions,
    private readonly total: number
  ) {
    if (options.size) ({ height: this.height, width: this.width } = options.size)
  }

  async decodeAll(files: string[], labels: number[]): Promise<ImageSet> {
    let images = new Uint8Array(0)
    for (let i = 0; i < files.length; i++) {
      const image = decodeImage(await readFile(files[i]), files[i])
      if (this.height === 0) {
        ;({ height: this.height, width: this.width } = image)
        this.firstFile = files[i]
      }
      if (images.length === 0) images = new Uint8Array(files.length * this.height * this.width * 3)
      const resizing = this.options.resize !== undefined || this.options.size !== undefined
      if (!resizing && (image.height !== this.height || image.width !== this.width)) {
        throw new Error(
          `${files[i]}: ${image.width}x${image.height} pixels, but ${this.firstFile} is ${this.width}x${this.height}; ` +
            'pass a size or a resize method to bring them to one size'
        )
      }
      images.set(resizeRgb(image, this.height, this.width, this.options.resize ?? 'bilinear'), i * this.height * this.width * 3)
      this.allGray &&= image.gray
      this.options.onProgress?.({ stage: 'decode', done: ++this.done, total: this.total, unit: 'images' })
    }
    return { images, labels: Int32Array.from(labels), count: files.length }
  }
}

async function listClasses(root: string, folders: string[], classNames: string[] = folders): Promise<Listing> {
  const listing: Listing = { files: [], labels: [] }
  for (const name of folders) {
    const files = await imageFiles(join(root, name))
    if (files.length === 0) throw new Error(`${join(root, name)}: class folder without PNG or JPEG images`)
    listing.files.push(...files)
    listing.labels.push(...files.map(() => classNames.indexOf(name)))
  }
  return listing
}

function holdOut(labeled: Listing, classCount: number, testShare: number, seed: number): { train: Listing; test: Listing } {
  const rng = new Rng(seed)
  const isTest = new Uint8Array(labeled.files.length)
  for (let c = 0; c < classCount; c++) {
    const members = labeled.labels.flatMap((label, i) => (label === c ? [i] : []))
    rng.shuffle(members)
    const held = Math.min(Math.round(testShare * members.length), members.length - 1)
    for (let k = 0; k < held; k++) isTest[members[k]] = 1
  }
  const train: Listing = { files: [], labels: [] }
  const test: Listing = { files: [], labels: [] }
  labeled.files.forEach((file, i) => {
    const into = isTest[i] ? test : train
    into.files.push(file)
    into.labels.push(labeled.labels[i])
  })
  return { train, test }
}

function firstChannel(set: ImageSet): ImageSet {
  const images = new Uint8Array(set.images.length / 3)
  for (let i = 0; i < images.length; i++) images[i] = set.images[3 * i]
  return { ...set, images }
}

async function subfolders(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true })
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(byCodePoint)
}

/** Image files under a folder, at any depth, sorted by path relative to it. */
async function imageFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true })
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && IMAGE_FILE.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter((path) => !relative(folder, path).split(/[\\/]/).some((part) => part.startsWith('.')))
    .sort((a, b) => byCodePoint(relative(folder, a), relative(folder, b)))
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}
