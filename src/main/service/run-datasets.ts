// The dataset a run trained on, for what the service shows of it (class
// names, images by index). Loading CIFAR takes a while: the last one loaded
// is kept, and runs on the same data share it.
import type { RunConfig } from '../../shared/config.ts'
import type { Dataset } from '../data/types.ts'
import { datasetSpec, loadDatasetForConfig } from '../dataset-for-config.ts'

export class RunDatasets {
  private last: { key: string; dataset: Promise<Dataset> } | undefined

  constructor(private readonly homeDir: string) {}

  of(config: RunConfig): Promise<Dataset> {
    const key = JSON.stringify(datasetSpec(config))
    if (this.last?.key !== key) {
      const dataset = loadDatasetForConfig(config, this.homeDir)
      // a failed load is not kept: the data may be imported later
      dataset.catch(() => {
        if (this.last?.dataset === dataset) this.last = undefined
      })
      this.last = { key, dataset }
    }
    return this.last.dataset
  }
}
