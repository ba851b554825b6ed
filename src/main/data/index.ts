// The one entry point the trainer and the CLI use to get a dataset by spec.
import { loadCifar } from './cifar.ts'
import { loadImageFolder, type ImageFolderOptions } from './image-folder.ts'
import { loadMnist } from './mnist.ts'
import type { Dataset, ProgressCallback } from './types.ts'

export type { Dataset, DataProgress, ImageSet, ProgressCallback } from './types.ts'
export { makeLabeledSplit, splitHash, type LabeledSplit, type SplitOptions, type UnlabeledMode } from './split.ts'
export { CIFAR_FORMATS, downloadCifar, importCifarArchive, isCifarInstalled, type CifarName } from './cifar.ts'

export type DatasetSpec =
  | { name: 'mnist' }
  | { name: 'cifar10' }
  | { name: 'cifar100' }
  | ({ name: 'folder'; path: string } & Pick<ImageFolderOptions, 'testShare' | 'heldOutSeed' | 'size' | 'resize' | 'horizontalFlip'>)

export const DATASET_NAMES = ['mnist', 'cifar10', 'cifar100', 'folder'] as const

export interface LoadOptions {
  /** The app's home folder; imported datasets live in <homeDir>/datasets/. */
  homeDir: string
  onProgress?: ProgressCallback
}

export async function loadDataset(spec: DatasetSpec, options: LoadOptions): Promise<Dataset> {
  switch (spec.name) {
    case 'mnist':
      return loadMnist()
    case 'cifar10':
    case 'cifar100':
      return loadCifar(spec.name, options.homeDir, options.onProgress)
    case 'folder': {
      const { name: _name, path, ...folderOptions } = spec
      return loadImageFolder(path, { ...folderOptions, onProgress: options.onProgress })
    }
  }
}

/** Checks a spec that came from outside (config file, IPC, HTTP); errors name the field. */
export function parseDatasetSpec(value: unknown, field = 'dataset'): DatasetSpec {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${field} must be an object with a "name"`)
  const spec = value as Record<string, unknown>
  const name = spec.name
  if (typeof name !== 'string' || !(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new Error(`${field}.name must be one of ${DATASET_NAMES.join(', ')}, got ${JSON.stringify(name)}`)
  }
  if (name !== 'folder') {
    const extra = Object.keys(spec).find((key) => key !== 'name')
    if (extra) throw new Error(`${field}.${extra} is not a setting of ${name}`)
    return { name } as DatasetSpec
  }
  const allowed = ['name', 'path', 'testShare', 'heldOutSeed', 'size', 'resize', 'horizontalFlip']
  const extra = Object.keys(spec).find((key) => !allowed.includes(key))
  if (extra) throw new Error(`${field}.${extra} is not a setting of folder (expected ${allowed.join(', ')})`)
  if (typeof spec.path !== 'string' || spec.path === '') throw new Error(`${field}.path must be the path of an image folder`)
  const result: DatasetSpec = { name: 'folder', path: spec.path }
  if (spec.testShare !== undefined) {
    if (typeof spec.testShare !== 'number' || !(spec.testShare >= 0 && spec.testShare < 1)) {
      throw new Error(`${field}.testShare must be a number in [0, 1)`)
    }
    result.testShare = spec.testShare
  }
  if (spec.heldOutSeed !== undefined) {
    if (!Number.isInteger(spec.heldOutSeed)) throw new Error(`${field}.heldOutSeed must be an integer`)
    result.heldOutSeed = spec.heldOutSeed as number
  }
  if (spec.size !== undefined) {
    const size = spec.size as { height?: unknown; width?: unknown } | null
    const positive = (v: unknown) => Number.isInteger(v) && (v as number) > 0
    if (!size || typeof size !== 'object' || !positive(size.height) || !positive(size.width)) {
      throw new Error(`${field}.size must be { height, width } with positive integers`)
    }
    result.size = { height: size.height as number, width: size.width as number }
  }
  if (spec.resize !== undefined) {
    if (spec.resize !== 'nearest' && spec.resize !== 'bilinear') throw new Error(`${field}.resize must be "nearest" or "bilinear"`)
    result.resize = spec.resize
  }
  if (spec.horizontalFlip !== undefined) {
    if (typeof spec.horizontalFlip !== 'boolean') throw new Error(`${field}.horizontalFlip must be true or false`)
    result.horizontalFlip = spec.horizontalFlip
  }
  return result
}
