// torchvision gaussian_blur on float HWC images: a normalised separable
// Gaussian kernel with reflect padding, as two 1-D passes.
import type { ImageF } from './image.ts'
import { assertSameShape } from './image.ts'
import { reflectIndex } from './geometry.ts'

/** torchvision's normalised 1-D Gaussian: exp(-x^2 / (2 sigma^2)) on linspace(-(k-1)/2, (k-1)/2). */
export function gaussianKernel1d(kernelSize: number, sigma: number, out = new Float64Array(kernelSize)): Float64Array {
  if (!Number.isInteger(kernelSize) || kernelSize <= 0 || kernelSize % 2 === 0) {
    throw new Error(`gaussian kernel size must be a positive odd integer, got ${kernelSize}`)
  }
  if (!(sigma > 0)) throw new Error(`gaussian sigma must be positive, got ${sigma}`)
  const half = (kernelSize - 1) / 2
  let sum = 0
  for (let i = 0; i < kernelSize; i++) {
    const x = (i - half) / sigma
    out[i] = Math.exp(-0.5 * x * x)
    sum += out[i]
  }
  for (let i = 0; i < kernelSize; i++) out[i] /= sum
  return out
}

/** Reused buffers for the blur, so a batch allocates nothing per image. */
export class BlurScratch {
  rows = new Float32Array(0)
  kernelX = new Float64Array(0)
  kernelY = new Float64Array(0)
  /** Per-value output scale and shift along one row (the channel's normalisation). */
  rowScale = new Float64Array(0)
  rowShift = new Float64Array(0)
  /** Reflected tap offsets of the border columns / rows. */
  taps = new Int32Array(0)
}

const defaultBlurScratch = new BlurScratch()

/**
 * Separable Gaussian blur with reflect padding (torchvision gaussian_blur):
 * kernel sizes and sigmas per axis (x = width). dst may be src.
 */
export function gaussianBlur(
  src: ImageF,
  dst: ImageF,
  kernelX: number,
  kernelY: number,
  sigmaX: number,
  sigmaY: number,
  scratch: BlurScratch = defaultBlurScratch
): void {
  assertSameShape(src, dst)
  gaussianBlurInto(src, dst.data, 0, kernelX, kernelY, sigmaX, sigmaY, scratch)
}

/**
 * The same blur written to out[offset...], each value then mapped to
 * value*scale[c] + shift[c] (default 1 and 0): the batch folds its per-channel
 * normalisation into the blur's last pass instead of a pass of its own.
 */
export function gaussianBlurInto(
  src: ImageF,
  out: Float32Array,
  offset: number,
  kernelX: number,
  kernelY: number,
  sigmaX: number,
  sigmaY: number,
  scratch: BlurScratch = defaultBlurScratch,
  scale?: ArrayLike<number>,
  shift?: ArrayLike<number>
): void {
  const { height, width, channels } = src
  const row = width * channels
  if (out.length < offset + src.data.length) throw new Error(`blur output holds ${out.length} values, ${offset + src.data.length} needed`)
  if (scratch.kernelX.length !== kernelX) scratch.kernelX = new Float64Array(kernelX)
  if (scratch.kernelY.length !== kernelY) scratch.kernelY = new Float64Array(kernelY)
  const kx = gaussianKernel1d(kernelX, sigmaX, scratch.kernelX)
  const ky = gaussianKernel1d(kernelY, sigmaY, scratch.kernelY)
  if (scratch.rows.length < src.data.length) scratch.rows = new Float32Array(src.data.length)
  if (scratch.rowScale.length < row) {
    scratch.rowScale = new Float64Array(row)
    scratch.rowShift = new Float64Array(row)
  }
  for (let i = 0, c = 0; i < row; i++, c = c + 1 === channels ? 0 : c + 1) {
    scratch.rowScale[i] = scale ? scale[c] : 1
    scratch.rowShift[i] = shift ? shift[c] : 0
  }
  const tapsNeeded = Math.max(width * (kernelX + 1), kernelY)
  if (scratch.taps.length < tapsNeeded) scratch.taps = new Int32Array(tapsNeeded)
  const mid = scratch.rows
  // Into the scratch first, so src may alias the output.
  blurHorizontal(src.data, mid, height, width, channels, kx, scratch.taps)
  blurVertical(mid, out, offset, height, row, ky, scratch.rowScale, scratch.rowShift, scratch.taps)
}

// Along each row (stride `channels`): plain loops inside, reflected taps only
// within `half` pixels of either end (their offsets tabulated once per call).
function blurHorizontal(s: Float32Array, out: Float32Array, h: number, w: number, channels: number, k: Float64Array, tapScratch: Int32Array): void {
  const taps = k.length
  const half = (taps - 1) >> 1
  const row = w * channels
  const innerStart = Math.min(half, w)
  const innerEnd = Math.max(innerStart, w - half)
  const borderX = tapScratch
  let borders = 0
  for (let x = 0; x < w; x++) {
    if (x === innerStart) x = innerEnd
    if (x >= w) break
    borderX[borders * (taps + 1)] = x * channels
    for (let t = 0; t < taps; t++) borderX[borders * (taps + 1) + 1 + t] = reflectIndex(x + t - half, w) * channels
    borders++
  }
  for (let y = 0; y < h; y++) {
    const base = y * row
    for (let n = 0; n < borders; n++) {
      const entry = n * (taps + 1)
      for (let c = 0; c < channels; c++) {
        let acc = 0
        for (let t = 0; t < taps; t++) acc += k[t] * s[base + borderX[entry + 1 + t] + c]
        out[base + borderX[entry] + c] = acc
      }
    }
    const from = base + innerStart * channels
    const to = base + innerEnd * channels
    if (taps === 3) {
      const k0 = k[0]
      const k1 = k[1]
      for (let i = from; i < to; i++) out[i] = k0 * (s[i - channels] + s[i + channels]) + k1 * s[i]
    } else {
      const first = half * channels
      for (let i = from; i < to; i++) {
        let acc = 0
        for (let t = 0, o = i - first; t < taps; t++, o += channels) acc += k[t] * s[o]
        out[i] = acc
      }
    }
  }
}

// Down each column: whole rows at a time, reflected row indices near the edges.
function blurVertical(
  s: Float32Array,
  out: Float32Array,
  offset: number,
  h: number,
  row: number,
  k: Float64Array,
  scale: Float64Array,
  shift: Float64Array,
  tapScratch: Int32Array
): void {
  const taps = k.length
  const half = (taps - 1) >> 1
  for (let y = 0; y < h; y++) {
    const base = y * row
    const outBase = offset + base
    if (y >= half && y < h - half) {
      if (taps === 3 && row % 3 === 0) {
        // The common RGB case, unrolled per pixel so the scale and shift stay in registers.
        const k0 = k[0]
        const k1 = k[1]
        const a0 = scale[0],
          a1 = scale[1],
          a2 = scale[2]
        const b0 = shift[0],
          b1 = shift[1],
          b2 = shift[2]
        for (let j = 0, i = base; j < row; j += 3, i += 3) {
          out[outBase + j] = (k0 * (s[i - row] + s[i + row]) + k1 * s[i]) * a0 + b0
          out[outBase + j + 1] = (k0 * (s[i + 1 - row] + s[i + 1 + row]) + k1 * s[i + 1]) * a1 + b1
          out[outBase + j + 2] = (k0 * (s[i + 2 - row] + s[i + 2 + row]) + k1 * s[i + 2]) * a2 + b2
        }
      } else if (taps === 3) {
        const k0 = k[0]
        const k1 = k[1]
        for (let j = 0, i = base; j < row; j++, i++) out[outBase + j] = (k0 * (s[i - row] + s[i + row]) + k1 * s[i]) * scale[j] + shift[j]
      } else {
        const first = half * row
        for (let j = 0, i = base; j < row; j++, i++) {
          let acc = 0
          for (let t = 0, o = i - first; t < taps; t++, o += row) acc += k[t] * s[o]
          out[outBase + j] = acc * scale[j] + shift[j]
        }
      }
      continue
    }
    const rowsAt = tapScratch
    for (let t = 0; t < taps; t++) rowsAt[t] = reflectIndex(y + t - half, h) * row
    for (let j = 0; j < row; j++) {
      let acc = 0
      for (let t = 0; t < taps; t++) acc += k[t] * s[rowsAt[t] + j]
      out[outBase + j] = acc * scale[j] + shift[j]
    }
  }
}
