// PIL.ImageEnhance (Pillow 9.4): Brightness, Color, Contrast, Sharpness.
// Each blends a "degenerate" image towards/away from the input with
// Image.blend(degenerate, img, factor), whose uint8 rounding we copy exactly:
// inside [0, 1] the double result is truncated; outside it is cast to float32,
// clipped to [0, 255] and truncated.
import type { Image8 } from './image.ts'
import { assertSameShape } from './image.ts'
import { applySharedLut } from './lut.ts'
import { scratchCopy } from './scratch.ts'

const lutScratch = new Uint8Array(256)

/** Image.blend of one value pair: in1 = degenerate, in2 = image. */
export function blendValue(in1: number, in2: number, alpha: number): number {
  const v = in1 + alpha * (in2 - in1)
  if (alpha >= 0 && alpha <= 1) return v | 0
  const f = Math.fround(v)
  return f <= 0 ? 0 : f >= 255 ? 255 : f | 0
}

/** PIL's RGB -> "L" conversion: ITU-R 601-2 luma in 16-bit fixed point, rounded. */
export function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16
}

/** Table for blending every value with one constant degenerate value. */
function constantBlendLut(degenerate: number, alpha: number): Uint8Array {
  for (let i = 0; i < 256; i++) lutScratch[i] = blendValue(degenerate, i, alpha)
  return lutScratch
}

/** ImageEnhance.Brightness: blend with black. */
export function brightness(src: Image8, dst: Image8, factor: number): void {
  applySharedLut(src, dst, constantBlendLut(0, factor))
}

/** ImageEnhance.Contrast: blend with the rounded mean of the "L" image. */
export function contrast(src: Image8, dst: Image8, factor: number): void {
  const s = src.data
  let sum = 0
  if (src.channels === 1) {
    for (let i = 0; i < s.length; i++) sum += s[i]
  } else {
    for (let i = 0; i < s.length; i += 3) sum += luma(s[i], s[i + 1], s[i + 2])
  }
  const mean = Math.floor(sum / (src.height * src.width) + 0.5)
  applySharedLut(src, dst, constantBlendLut(mean, factor))
}

/** ImageEnhance.Color: blend with the image's grey version (a copy for "L" images). */
export function color(src: Image8, dst: Image8, factor: number): void {
  assertSameShape(src, dst)
  const s = src.data
  const d = dst.data
  if (src.channels === 1) {
    if (d !== s) d.set(s)
    return
  }
  const interpolate = factor >= 0 && factor <= 1
  for (let i = 0; i < s.length; i += 3) {
    const r = s[i]
    const g = s[i + 1]
    const b = s[i + 2]
    const grey = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16
    if (interpolate) {
      d[i] = grey + factor * (r - grey)
      d[i + 1] = grey + factor * (g - grey)
      d[i + 2] = grey + factor * (b - grey)
    } else {
      d[i] = blendValue(grey, r, factor)
      d[i + 1] = blendValue(grey, g, factor)
      d[i + 2] = blendValue(grey, b, factor)
    }
  }
}

// PIL's SMOOTH kernel [[1,1,1],[1,5,1],[1,1,1]]/13 with +0.5 rounding:
// out = floor(S/13 + 0.5) for the integer weighted sum S. S/13 is never within
// 1/26 of a rounding edge, so PIL's float32 sums give the same integers.
const smoothLut = new Uint8Array(13 * 255 + 1)
for (let s = 0; s < smoothLut.length; s++) smoothLut[s] = Math.floor((2 * s + 13) / 26)

/**
 * ImageEnhance.Sharpness: blend with PIL's SMOOTH-filtered image, whose
 * one-pixel border is the input unchanged (so the border stays as it is).
 */
export function sharpness(src: Image8, dst: Image8, factor: number): void {
  assertSameShape(src, dst)
  const s = dst.data === src.data ? scratchCopy(src.data) : src.data
  const d = dst.data
  const { height, width, channels } = src
  d.set(s)
  // ImagingFilter returns a plain copy for images smaller than the kernel.
  if (height < 3 || width < 3) return
  const row = width * channels
  const interpolate = factor >= 0 && factor <= 1
  for (let y = 1; y < height - 1; y++) {
    const start = y * row + channels
    const end = (y + 1) * row - channels
    for (let i = start; i < end; i++) {
      const up = i - row
      const down = i + row
      const weighted =
        s[up - channels] + s[up] + s[up + channels] + s[i - channels] + 5 * s[i] + s[i + channels] + s[down - channels] + s[down] + s[down + channels]
      const smooth = smoothLut[weighted]
      d[i] = interpolate ? smooth + factor * (s[i] - smooth) : blendValue(smooth, s[i], factor)
    }
  }
}
