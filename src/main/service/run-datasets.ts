// The datasets the service shows (class names, images by index, previews,
// the class balance of a split). Loading CIFAR takes a while: the last one
// loaded is kept, shared by every handler, and forgotten after an import.
import type { PixelImage } from '../../shared/api.ts'
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

  /** After an import: the next request reads the data afresh. */
  forget(): void {
    this.last = undefined
  }
}

/** One image's height x width x channels bytes as the renderer draws them. */
export function pixelImage(pixels: Uint8Array, [height, width, channels]: readonly number[]): PixelImage {
  if (channels !== 1 && channels !== 3) throw new Error(`images of ${channels} channels cannot be shown (1 or 3 expected)`)
  return { width: width!, height: height!, channels, pixels: Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength).toString('base64') }
}
