// torchvision.transforms.functional colour ops on float HWC images in [0,1]
// (tensor semantics of torchvision 0.14): brightness, contrast, saturation,
// hue and grayscale, each one tight loop over the image (measured faster than
// fusing them per pixel behind a switch). A "colour program" lists ops and
// factors so the SimCLR view can run its random order without allocating; the
// single-op functions are one-op programs, so the fixtures check the very
// code the SimCLR views use.
// Single-channel images: brightness works as usual, contrast blends with the
// image's own mean (torchvision's rule for 1 channel), and saturation, hue and
// grayscale are no-ops (torchvision returns the input unchanged).
import type { ImageF } from './image.ts'
import { assertSameShape } from './image.ts'

// rgb_to_grayscale weights used by torchvision.
const WR = 0.2989
const WG = 0.587
const WB = 0.114

export const OP_BRIGHTNESS = 0
export const OP_CONTRAST = 1
export const OP_SATURATION = 2
export const OP_HUE = 3
export const OP_GRAYSCALE = 4

/** A short list of colour ops with their factors, reused between images. */
export class ColorProgram {
  length = 0
  readonly ops = new Int32Array(8)
  readonly factors = new Float64Array(8)

  clear(): this {
    this.length = 0
    return this
  }

  push(op: number, factor = 0): this {
    if (this.length === this.ops.length) throw new Error(`a colour program holds at most ${this.ops.length} ops`)
    this.ops[this.length] = op
    this.factors[this.length] = factor
    this.length++
    return this
  }
}

/** Runs `program` on src into dst (same shape; dst may be src). */
export function runColorProgram(src: ImageF, dst: ImageF, program: ColorProgram): void {
  assertSameShape(src, dst)
  if (dst.data !== src.data) dst.data.set(src.data)
  const d = dst.data
  const rgb = src.channels === 3
  for (let k = 0; k < program.length; k++) {
    const f = program.factors[k]
    switch (program.ops[k]) {
      case OP_BRIGHTNESS:
        scaleClamp(d, f, 0)
        break
      case OP_CONTRAST:
        // torchvision: 1 channel blends with the plain mean.
        scaleClamp(d, f, (1 - f) * (rgb ? greyMean(d) : plainMean(d)))
        break
      case OP_SATURATION:
        if (rgb) saturate(d, f)
        break
      case OP_HUE:
        if (rgb) shiftHue(d, f)
        break
      default:
        if (rgb) greyscale(d)
    }
  }
}

/** v = clamp(f*v + offset, 0, 1): brightness (offset 0) and contrast. */
function scaleClamp(d: Float32Array, f: number, offset: number): void {
  for (let i = 0; i < d.length; i++) {
    const v = f * d[i] + offset
    d[i] = v < 0 ? 0 : v > 1 ? 1 : v
  }
}

function greyMean(d: Float32Array): number {
  let sum = 0
  for (let i = 0; i < d.length; i += 3) sum += WR * d[i] + WG * d[i + 1] + WB * d[i + 2]
  return sum / (d.length / 3)
}

function plainMean(d: Float32Array): number {
  let sum = 0
  for (let i = 0; i < d.length; i++) sum += d[i]
  return sum / d.length
}

/** Blend every pixel with its own grey: clamp(f*v + (1-f)*grey). */
function saturate(d: Float32Array, f: number): void {
  const keep = 1 - f
  for (let i = 0; i < d.length; i += 3) {
    const offset = keep * (WR * d[i] + WG * d[i + 1] + WB * d[i + 2])
    let v = f * d[i] + offset
    d[i] = v < 0 ? 0 : v > 1 ? 1 : v
    v = f * d[i + 1] + offset
    d[i + 1] = v < 0 ? 0 : v > 1 ? 1 : v
    v = f * d[i + 2] + offset
    d[i + 2] = v < 0 ? 0 : v > 1 ? 1 : v
  }
}

function greyscale(d: Float32Array): void {
  for (let i = 0; i < d.length; i += 3) {
    const grey = WR * d[i] + WG * d[i + 1] + WB * d[i + 2]
    d[i] = grey
    d[i + 1] = grey
    d[i + 2] = grey
  }
}

/**
 * torchvision's RGB -> HSV, hue + shift mod 1, HSV -> RGB. Worked in sixths
 * of a turn, and with torchvision's p = v(1-s), q = v(1-s*f), t = v(1-s(1-f))
 * written as min, max - range*f and min + range*f (s = range/max): fewer
 * divisions, and already inside [0, 1] so torchvision's clamps are no-ops.
 */
function shiftHue(d: Float32Array, shift: number): void {
  const shift6 = 6 * shift
  for (let i = 0; i < d.length; i += 3) {
    const r = d[i]
    const g = d[i + 1]
    const b = d[i + 2]
    let maxc: number
    let minc: number
    if (r >= g) {
      if (g >= b) {
        maxc = r
        minc = b
      } else if (r >= b) {
        maxc = r
        minc = g
      } else {
        maxc = b
        minc = g
      }
    } else if (r >= b) {
      maxc = g
      minc = b
    } else if (g >= b) {
      maxc = g
      minc = r
    } else {
      maxc = b
      minc = r
    }
    const range = maxc - minc
    let h6 = shift6
    if (range !== 0) {
      // Same priority as torchvision's hr, hg, hb masks: r, then g, then b.
      if (maxc === r) h6 += (g - b) / range
      else if (maxc === g) h6 += 2 + (b - r) / range
      else h6 += 4 + (r - g) / range
    }
    // Mod 6 via floor (% on doubles is slow in V8), then pin rounding
    // spill-overs so the sector is always 0..5.
    h6 -= 6 * Math.floor(h6 * (1 / 6))
    if (h6 < 0) h6 += 6
    if (h6 >= 6) h6 -= 6
    const sector = Math.floor(h6)
    const f = h6 - sector
    const q = maxc - range * f
    const t = minc + range * f
    switch (sector) {
      case 0:
        d[i] = maxc
        d[i + 1] = t
        d[i + 2] = minc
        break
      case 1:
        d[i] = q
        d[i + 1] = maxc
        d[i + 2] = minc
        break
      case 2:
        d[i] = minc
        d[i + 1] = maxc
        d[i + 2] = t
        break
      case 3:
        d[i] = minc
        d[i + 1] = q
        d[i + 2] = maxc
        break
      case 4:
        d[i] = t
        d[i + 1] = minc
        d[i + 2] = maxc
        break
      default:
        d[i] = maxc
        d[i + 1] = minc
        d[i + 2] = q
        break
    }
  }
}

const single = new ColorProgram()

/** clamp(img * factor, 0, 1). */
export function adjustBrightness(src: ImageF, dst: ImageF, factor: number): void {
  runColorProgram(src, dst, single.clear().push(OP_BRIGHTNESS, factor))
}

/** Blend with the mean of the grayscale image: clamp(f*img + (1-f)*mean). */
export function adjustContrast(src: ImageF, dst: ImageF, factor: number): void {
  runColorProgram(src, dst, single.clear().push(OP_CONTRAST, factor))
}

/** Blend every pixel with its own grey value: clamp(f*img + (1-f)*grey). */
export function adjustSaturation(src: ImageF, dst: ImageF, factor: number): void {
  runColorProgram(src, dst, single.clear().push(OP_SATURATION, factor))
}

/** Shift the hue by `hueFactor` turns (torchvision allows [-0.5, 0.5]). */
export function adjustHue(src: ImageF, dst: ImageF, hueFactor: number): void {
  runColorProgram(src, dst, single.clear().push(OP_HUE, hueFactor))
}

/**
 * Grey value (0.2989, 0.587, 0.114) into dst's 1 or 3 channels (same height
 * and width; dst may be src when the channel count stays).
 */
export function rgbToGrayscale(src: ImageF, dst: ImageF): void {
  if (dst.height !== src.height || dst.width !== src.width) throw new Error('rgbToGrayscale: dst must have the same height and width')
  const s = src.data
  const d = dst.data
  if (dst.channels === src.channels) return runColorProgram(src, dst, single.clear().push(OP_GRAYSCALE))
  if (src.channels === 1) {
    for (let i = 0, o = 0; i < s.length; i++, o += 3) d[o] = d[o + 1] = d[o + 2] = s[i]
    return
  }
  for (let i = 0, o = 0; i < s.length; i += 3, o++) d[o] = WR * s[i] + WG * s[i + 1] + WB * s[i + 2]
}
