// Image types shared by the augmentations: one image, HWC, row-major.
// Uint8 images carry the PIL ops; float images in [0,1] carry the
// torchvision-style colour ops of the SimCLR views.

export interface Image8 {
  data: Uint8Array
  height: number
  width: number
  /** 1 (grey, PIL mode "L") or 3 (RGB). */
  channels: number
}

export interface ImageF {
  data: Float32Array
  height: number
  width: number
  channels: number
}

export function createImage8(height: number, width: number, channels: number): Image8 {
  checkShape(height, width, channels)
  return { data: new Uint8Array(height * width * channels), height, width, channels }
}

export function createImageF(height: number, width: number, channels: number): ImageF {
  checkShape(height, width, channels)
  return { data: new Float32Array(height * width * channels), height, width, channels }
}

export function assertSameShape(a: { height: number; width: number; channels: number }, b: { height: number; width: number; channels: number }): void {
  if (a.height !== b.height || a.width !== b.width || a.channels !== b.channels) {
    throw new Error(`image shapes differ: ${a.height}x${a.width}x${a.channels} vs ${b.height}x${b.width}x${b.channels}`)
  }
}

function checkShape(height: number, width: number, channels: number): void {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height <= 0 || width <= 0) {
    throw new Error(`image height and width must be positive integers, got ${height}x${width}`)
  }
  if (channels !== 1 && channels !== 3) throw new Error(`image channels must be 1 or 3, got ${channels}`)
}
