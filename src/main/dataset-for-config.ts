// The dataset a run config names, loaded from the home folder or the embedded copy.
import type { RunConfig } from '../shared/config.ts'
import { loadDataset, type DatasetSpec } from './data/index.ts'
import type { Dataset, ProgressCallback } from './data/types.ts'

export function datasetSpec(config: RunConfig): DatasetSpec {
  return config.dataset === 'folder' ? { name: 'folder', path: config.datasetPath } : { name: config.dataset }
}

export function loadDatasetForConfig(config: RunConfig, homeDir: string, onProgress?: ProgressCallback): Promise<Dataset> {
  return loadDataset(datasetSpec(config), { homeDir, onProgress })
}
