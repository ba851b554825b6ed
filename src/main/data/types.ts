// The in-memory shape of a dataset: uint8 HWC images and int32 labels, the
// form every loader produces and the training loop consumes.

/** A set of images of one shape, stored back to back. */
export interface ImageSet {
  /** count * height * width * channels bytes, each image in HWC order. */
  images: Uint8Array
  /** One class index per image; -1 when the label is unknown. */
  labels: Int32Array
  count: number
}

export interface Dataset {
  /** 'mnist', 'cifar10', 'cifar100' or 'folder:<folder name>'. */
  name: string
  height: number
  width: number
  channels: number
  classNames: string[]
  train: ImageSet
  test: ImageSet
  /** Images without labels beyond the training set (an image folder's `unlabeled/`). */
  extraUnlabeled?: ImageSet
  /** The augmentation that suits the data: digits and text must not be mirrored. */
  augment: { horizontalFlip: boolean; padMode: 'reflect' | 'zero' }
  /** Per channel, in [0, 1] units: the model sees (pixel / 255 - mean) / std. */
  normalization: { mean: number[]; std: number[] }
}

/** What a loader is doing, for a progress bar. `total` is undefined when unknown. */
export interface DataProgress {
  stage: 'download' | 'import' | 'decode' | 'load'
  done: number
  total: number | undefined
  unit: 'bytes' | 'images'
}

export type ProgressCallback = (progress: DataProgress) => void

/**
 * Per-channel mean and population std of a set of HWC images, in [0, 1]
 * units: the normalisation for data that has no published constants.
 */
export function channelStats(images: Uint8Array, channels: number): { mean: number[]; std: number[] } {
  const sum = new Float64Array(channels)
  const sumSq = new Float64Array(channels)
  for (let i = 0; i < images.length; i++) {
    const v = images[i]
    const c = i % channels
    sum[c] += v
    sumSq[c] += v * v
  }
  const perChannel = images.length / channels
  if (perChannel === 0) return { mean: new Array(channels).fill(0), std: new Array(channels).fill(1) }
  const mean: number[] = []
  const std: number[] = []
  for (let c = 0; c < channels; c++) {
    const m = sum[c] / perChannel
    const variance = Math.max(0, sumSq[c] / perChannel - m * m)
    mean.push(m / 255)
    // A constant channel would divide by zero; 1 leaves it centred and unscaled.
    std.push(variance > 0 ? Math.sqrt(variance) / 255 : 1)
  }
  return { mean, std }
}
