// Geometric ops with Pillow 9.4's nearest-neighbour affine engine: the tuple
// (a,b,c,d,e,f) maps the CENTRE of output pixel (x,y), i.e. (x+0.5, y+0.5),
// to the input point (a*x'+b*y'+c, d*x'+e*y'+f), which is floored to a pixel;
// points outside the input give black. Also the flips, the reflect-pad crop
// and the Cutout rectangle, which need no sampling.
import type { Image8 } from './image.ts'
import { assertSameShape } from './image.ts'
import { scratchCopy } from './scratch.ts'

export type AffineTuple = readonly [number, number, number, number, number, number]

/** Image.transform(size, AFFINE, tuple, NEAREST) with black fill; dst keeps src's shape. */
export function affine(src: Image8, dst: Image8, m: AffineTuple): void {
  assertSameShape(src, dst)
  const s = dst.data === src.data ? scratchCopy(src.data) : src.data
  const [a, b, c, d, e, f] = m
  if (b === 0 && d === 0) scaleAffine(s, dst, a, c, e, f)
  else if (fitsFixedPoint(m, src.width, src.height)) fixedAffine(s, dst, m)
  else floatAffine(s, dst, m)
}

// Pillow's ImagingScaleAffine: no rotation or shear, so columns are tabulated once.
const columnScratch = { table: new Int32Array(0) }
function scaleAffine(s: Uint8Array, dst: Image8, a: number, c: number, e: number, f: number): void {
  const { width, height, channels } = dst
  const out = dst.data
  out.fill(0)
  if (columnScratch.table.length < width) columnScratch.table = new Int32Array(width)
  const xin = columnScratch.table
  let xo = c + a * 0.5
  for (let x = 0; x < width; x++) {
    xin[x] = xo < 0 ? -1 : Math.trunc(xo)
    if (xin[x] >= width) xin[x] = -1
    xo += a
  }
  let yo = f + e * 0.5
  const row = width * channels
  for (let y = 0; y < height; y++, yo += e) {
    const yi = yo < 0 ? -1 : Math.trunc(yo)
    if (yi < 0 || yi >= height) continue
    const inRow = yi * row
    const outRow = y * row
    for (let x = 0; x < width; x++) {
      const xi = xin[x]
      if (xi < 0) continue
      const from = inRow + xi * channels
      const to = outRow + x * channels
      for (let k = 0; k < channels; k++) out[to + k] = s[from + k]
    }
  }
}

// Pillow uses 16.16 fixed point when all four corners map inside +-32768.
function fitsFixedPoint(m: AffineTuple, width: number, height: number): boolean {
  const ok = (x: number, y: number): boolean => Math.abs(x * m[0] + y * m[1] + m[2]) < 32768 && Math.abs(x * m[3] + y * m[4] + m[5]) < 32768
  return ok(0, 0) && ok(width, height) && ok(0, height) && ok(width, 0)
}

function fix(v: number): number {
  return Math.floor(v * 65536 + 0.5)
}

function fixedAffine(s: Uint8Array, dst: Image8, m: AffineTuple): void {
  const { width, height, channels } = dst
  const out = dst.data
  out.fill(0)
  const a0 = fix(m[0])
  const a1 = fix(m[1])
  const a3 = fix(m[3])
  const a4 = fix(m[4])
  let rowX = fix(m[2] + m[0] * 0.5 + m[1] * 0.5)
  let rowY = fix(m[5] + m[3] * 0.5 + m[4] * 0.5)
  const row = width * channels
  let to = 0
  for (let y = 0; y < height; y++) {
    let xx = rowX
    let yy = rowY
    for (let x = 0; x < width; x++, to += channels) {
      const xi = xx >> 16
      const yi = yy >> 16
      xx += a0
      yy += a3
      if (xi < 0 || xi >= width || yi < 0 || yi >= height) continue
      const from = yi * row + xi * channels
      out[to] = s[from]
      if (channels === 3) {
        out[to + 1] = s[from + 1]
        out[to + 2] = s[from + 2]
      }
    }
    rowX += a1
    rowY += a4
  }
}

// Pillow's double-precision fallback for huge coordinates.
function floatAffine(s: Uint8Array, dst: Image8, m: AffineTuple): void {
  const { width, height, channels } = dst
  const out = dst.data
  out.fill(0)
  let xo = m[2] + m[1] * 0.5 + m[0] * 0.5
  let yo = m[5] + m[4] * 0.5 + m[3] * 0.5
  const row = width * channels
  let to = 0
  for (let y = 0; y < height; y++) {
    let xx = xo
    let yy = yo
    for (let x = 0; x < width; x++, to += channels) {
      const xi = xx < 0 ? -1 : Math.trunc(xx)
      const yi = yy < 0 ? -1 : Math.trunc(yy)
      xx += m[0]
      yy += m[3]
      if (xi < 0 || xi >= width || yi < 0 || yi >= height) continue
      const from = yi * row + xi * channels
      for (let k = 0; k < channels; k++) out[to + k] = s[from + k]
    }
    xo += m[1]
    yo += m[4]
  }
}

/** Python's round(x, 15), which Image.rotate applies to cos and sin. */
function round15(x: number): number {
  return Number(x.toFixed(15))
}

/**
 * Image.rotate(degrees) with NEAREST, no expand: counter-clockwise about the
 * centre (w/2, h/2). Multiples of 90/180 take Pillow's exact transposes.
 */
export function rotate(src: Image8, dst: Image8, degrees: number): void {
  assertSameShape(src, dst)
  const angle = ((degrees % 360) + 360) % 360
  const { width: w, height: h } = src
  if (angle === 0) {
    if (dst.data !== src.data) dst.data.set(src.data)
    return
  }
  if (angle === 180) return transpose(src, dst, 'rotate180')
  if ((angle === 90 || angle === 270) && w === h) return transpose(src, dst, angle === 90 ? 'rotate90' : 'rotate270')
  // Same arithmetic order as Image.rotate so the doubles agree.
  const radians = -(angle * (Math.PI / 180))
  const a = round15(Math.cos(radians))
  const b = round15(Math.sin(radians))
  const d = round15(-Math.sin(radians))
  const e = round15(Math.cos(radians))
  const cx = w / 2
  const cy = h / 2
  const c = a * -cx + b * -cy + 0 + cx
  const f = d * -cx + e * -cy + 0 + cy
  affine(src, dst, [a, b, c, d, e, f])
}

/** ShearX as in the study: Image.transform with (1, shear, 0, 0, 1, 0). */
export function shearX(src: Image8, dst: Image8, shear: number): void {
  affine(src, dst, [1, shear, 0, 0, 1, 0])
}

/** ShearY as in the study: Image.transform with (1, 0, 0, shear, 1, 0). */
export function shearY(src: Image8, dst: Image8, shear: number): void {
  affine(src, dst, [1, 0, 0, shear, 1, 0])
}

/** TranslateX: output x reads input x + pixels (positive moves content left). */
export function translateX(src: Image8, dst: Image8, pixels: number): void {
  affine(src, dst, [1, 0, pixels, 0, 1, 0])
}

/** TranslateY: output y reads input y + pixels (positive moves content up). */
export function translateY(src: Image8, dst: Image8, pixels: number): void {
  affine(src, dst, [1, 0, 0, 0, 1, pixels])
}

type Transpose = 'rotate90' | 'rotate180' | 'rotate270'

function transpose(src: Image8, dst: Image8, kind: Transpose): void {
  const s = dst.data === src.data ? scratchCopy(src.data) : src.data
  const out = dst.data
  const { width: w, height: h, channels } = src
  let to = 0
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++, to += channels) {
      // Input pixel shown at output (x, y); rotate90 is counter-clockwise.
      let sx: number
      let sy: number
      if (kind === 'rotate180') {
        sx = w - 1 - x
        sy = h - 1 - y
      } else if (kind === 'rotate90') {
        sx = w - 1 - y
        sy = x
      } else {
        sx = y
        sy = h - 1 - x
      }
      const from = (sy * w + sx) * channels
      for (let k = 0; k < channels; k++) out[to + k] = s[from + k]
    }
  }
}

/** Image.transpose(FLIP_LEFT_RIGHT). */
export function flipLeftRight(src: Image8, dst: Image8): void {
  assertSameShape(src, dst)
  const s = dst.data === src.data ? scratchCopy(src.data) : src.data
  const out = dst.data
  const { width: w, height: h, channels } = src
  for (let y = 0; y < h; y++) {
    const rowStart = y * w * channels
    for (let x = 0; x < w; x++) {
      const to = rowStart + x * channels
      const from = rowStart + (w - 1 - x) * channels
      for (let k = 0; k < channels; k++) out[to + k] = s[from + k]
    }
  }
}

/** numpy/torch 'reflect' index (edge not repeated) for any offset. */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0
  const period = 2 * (n - 1)
  let m = i % period
  if (m < 0) m += period
  return m < n ? m : period - m
}

const cropScratch = { cols: new Int32Array(0) }

/**
 * RandomCrop(padding=pad, padding_mode='reflect') at a given offset into the
 * padded image, optionally after a horizontal flip (fused: one pass, no
 * padded copy). Output keeps the input size.
 */
export function padReflectCrop(src: Image8, dst: Image8, pad: number, cropX: number, cropY: number, flip = false): void {
  assertSameShape(src, dst)
  const s = dst.data === src.data ? scratchCopy(src.data) : src.data
  const out = dst.data
  const { width: w, height: h, channels } = src
  if (cropScratch.cols.length < w) cropScratch.cols = new Int32Array(w)
  const cols = cropScratch.cols
  for (let x = 0; x < w; x++) {
    const px = reflectIndex(x + cropX - pad, w)
    cols[x] = (flip ? w - 1 - px : px) * channels
  }
  const row = w * channels
  let to = 0
  for (let y = 0; y < h; y++) {
    const inRow = reflectIndex(y + cropY - pad, h) * row
    if (channels === 3) {
      for (let x = 0; x < w; x++, to += 3) {
        const from = inRow + cols[x]
        out[to] = s[from]
        out[to + 1] = s[from + 1]
        out[to + 2] = s[from + 2]
      }
    } else {
      for (let x = 0; x < w; x++, to++) out[to] = s[inRow + cols[x]]
    }
  }
}

/**
 * ImageDraw.rectangle((x0, y0, x1, y1), fill): both corners INCLUDED, clipped
 * to the image. `fill` is one grey value or one value per channel.
 */
export function cutoutRect(src: Image8, dst: Image8, x0: number, y0: number, x1: number, y1: number, fill: number | readonly number[]): void {
  assertSameShape(src, dst)
  if (dst.data !== src.data) dst.data.set(src.data)
  const { width: w, height: h, channels } = src
  const left = Math.max(0, x0)
  const top = Math.max(0, y0)
  const right = Math.min(w - 1, x1)
  const bottom = Math.min(h - 1, y1)
  if (right < left || bottom < top) return
  const out = dst.data
  for (let k = 0; k < channels; k++) {
    const value = typeof fill === 'number' ? fill : fill[Math.min(k, fill.length - 1)]
    for (let y = top; y <= bottom; y++) {
      for (let x = left; x <= right; x++) out[(y * w + x) * channels + k] = value
    }
  }
}
