// The one entry point the trainer and the CLI use to get a dataset by spec.
import { loadCifar } from './cifar.ts'
import { loadImageFolder, type ImageFolderOptions } from './image-folder.ts'
import { loadMnist } from './mnist.ts'
import type { Dataset, ProgressCallback } from './types.ts'

export type DatasetSpec =
  | { name: 'mnist' }
  | { name: 'cifar10' }
  | { name: 'cifar100' }
  | ({ name: 'folder'; path: string } & Pick<ImageFolderOptions, 'testShare' | 'heldOutSeed' | 'size' | 'resize' | 'horizontalFlip'>)

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
