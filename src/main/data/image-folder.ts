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
//   image's) with `resize` (default 'bilinear'; see resizeRgb). An image
//   declaring more than `maxPixels` (default MAX_IMAGE_PIXELS) is refused from
//   its header, before it is decoded.
// - Links: symbolic links to files and to folders (class folders too) are
//   followed. A link that leads back into a folder it is inside (a loop), and a
//   link with an image's name whose target is missing, are refused by name.
import type { Dirent } from 'node:fs'
import { readdir, readFile, realpath, stat } from 'node:fs/promises'
import { basename, join, relative } from 'node:path'
import { Rng } from '../../shared/rng.ts'
import { decodeImage, MAX_IMAGE_PIXELS, resizeRgb, type ResizeMethod } from './image-decode.ts'
import { channelStats, type Dataset, type ImageSet, type ProgressCallback } from './types.ts'

export interface ImageFolderOptions {
  /** Share of each class held out for testing when there is no test/ folder; default 0.2. */
  testShare?: number
  /** Seed of the held-out draw; default 0. */
  heldOutSeed?: number
  size?: { height: number; width: number }
  resize?: ResizeMethod
  /** The most pixels one image may declare; default MAX_IMAGE_PIXELS. */
  maxPixels?: number
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
  const extra =
    unlabeledFiles.length > 0
      ? await decoder.decodeAll(
          unlabeledFiles,
          unlabeledFiles.map(() => -1)
        )
      : undefined

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
      const image = decodeImage(await readFile(files[i]), files[i], this.options.maxPixels ?? MAX_IMAGE_PIXELS)
      if (this.height === 0) {
        ;({ height: this.height, width: this.width } = image)
        this.firstFile = files[i]
      }
      if (images.length === 0) images = new Uint8Array(files.length * this.height * this.width * 3)
      const resizing = this.options.resize !== undefined || this.options.size !== undefined
      if (!resizing && (image.height !== this.height || image.width !== this.width)) {
        throw new Error(
          `${files[i]}: ${image.width}x${image.height} pixels, but ${this.firstFile} is ${this.width}x${this.height}; ` +
            'the images of a folder data set must all have one size (a run config has no setting that resizes them): ' +
            'bring them to one size first'
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

/** Sub-folders of a folder (links to folders count), names starting with "." left out. */
async function subfolders(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true })
  const names: string[] = []
  for (const entry of entries) {
    if (!entry.name.startsWith('.') && (await kindOf(folder, entry)) === 'folder') names.push(entry.name)
  }
  return names.sort(byCodePoint)
}

/** Image files under a folder, at any depth and through links, sorted by path relative to it. */
async function imageFiles(folder: string): Promise<string[]> {
  const files: string[] = []
  // the real paths of the folders on the way down: a link back to one of them is a loop
  const walk = async (dir: string, above: string[]): Promise<void> => {
    const real = await realpath(dir)
    const loop = above.find((ancestor) => ancestor === real)
    if (loop !== undefined) throw new Error(`${dir}: a link back to ${loop}, a folder it is inside (a loop); remove or replace the link`)
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue
      const kind = await kindOf(dir, entry)
      if (kind === 'folder') await walk(join(dir, entry.name), [...above, real])
      else if (kind === 'file' && IMAGE_FILE.test(entry.name)) files.push(join(dir, entry.name))
    }
  }
  await walk(folder, [])
  return files.sort((a, b) => byCodePoint(relative(folder, a), relative(folder, b)))
}

/** What an entry is, following a link to its target; a link with an image's name and no target is refused. */
async function kindOf(dir: string, entry: Dirent): Promise<'file' | 'folder' | 'other'> {
  if (!entry.isSymbolicLink()) return entry.isDirectory() ? 'folder' : entry.isFile() ? 'file' : 'other'
  const path = join(dir, entry.name)
  try {
    const target = await stat(path)
    return target.isDirectory() ? 'folder' : target.isFile() ? 'file' : 'other'
  } catch (error) {
    if (IMAGE_FILE.test(entry.name))
      throw new Error(`${path}: a link to a file that cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error })
    return 'other'
  }
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
