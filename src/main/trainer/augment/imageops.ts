// PIL.ImageOps point operations (Pillow 9.4): autocontrast, equalize,
// posterize, solarize. Each builds 256-entry tables and applies them; dst may
// be the same image as src.
import type { Image8 } from './image.ts'
import { applyChannelLuts, applySharedLut, channelHistograms } from './lut.ts'

// Scratch reused across calls: this module runs on one thread at a time
// (a worker thread gets its own copy).
const histScratch = new Int32Array(3 * 256)
const lutScratch = new Uint8Array(3 * 256)

/** ImageOps.autocontrast(img) with cutoff 0: stretch each band's [lo, hi] to [0, 255]. */
export function autocontrast(src: Image8, dst: Image8): void {
  channelHistograms(src, histScratch)
  for (let c = 0; c < src.channels; c++) {
    const base = c * 256
    let lo = 0
    while (lo < 256 && histScratch[base + lo] === 0) lo++
    let hi = 255
    while (hi >= 0 && histScratch[base + hi] === 0) hi--
    if (hi <= lo) {
      for (let i = 0; i < 256; i++) lutScratch[base + i] = i
      continue
    }
    const scale = 255.0 / (hi - lo)
    const offset = -lo * scale
    for (let i = 0; i < 256; i++) {
      // Python int() truncates toward zero; negatives clamp to 0 anyway.
      const v = Math.trunc(i * scale + offset)
      lutScratch[base + i] = v < 0 ? 0 : v > 255 ? 255 : v
    }
  }
  applyChannelLuts(src, dst, lutScratch)
}

/** ImageOps.equalize(img): per-band histogram equalisation with PIL's integer steps. */
export function equalize(src: Image8, dst: Image8): void {
  channelHistograms(src, histScratch)
  for (let c = 0; c < src.channels; c++) {
    const base = c * 256
    let nonZero = 0
    let total = 0
    let last = 0
    for (let i = 0; i < 256; i++) {
      const h = histScratch[base + i]
      if (h !== 0) {
        nonZero++
        total += h
        last = h
      }
    }
    const step = nonZero <= 1 ? 0 : Math.floor((total - last) / 255)
    if (step === 0) {
      for (let i = 0; i < 256; i++) lutScratch[base + i] = i
      continue
    }
    let n = Math.floor(step / 2)
    for (let i = 0; i < 256; i++) {
      const v = Math.floor(n / step)
      // point() clips table entries to uint8; only the top bin can reach 256.
      lutScratch[base + i] = v > 255 ? 255 : v
      n += histScratch[base + i]
    }
  }
  applyChannelLuts(src, dst, lutScratch)
}

const posterizeLuts: Uint8Array[] = []
for (let bits = 0; bits <= 8; bits++) {
  const mask = ~(2 ** (8 - bits) - 1) & 0xff
  const lut = new Uint8Array(256)
  for (let i = 0; i < 256; i++) lut[i] = i & mask
  posterizeLuts.push(lut)
}

/** ImageOps.posterize(img, bits): keep the top `bits` bits of every value. */
export function posterize(src: Image8, dst: Image8, bits: number): void {
  if (!Number.isInteger(bits) || bits < 0 || bits > 8) throw new Error(`posterize bits must be an integer in [0, 8], got ${bits}`)
  applySharedLut(src, dst, posterizeLuts[bits])
}

// Integer thresholds 0..256 cover every value that changes the result.
const solarizeLuts: (Uint8Array | undefined)[] = new Array(257)

/** ImageOps.solarize(img, threshold): invert every value >= threshold. */
export function solarize(src: Image8, dst: Image8, threshold: number): void {
  const key = Math.min(256, Math.max(0, Math.ceil(threshold)))
  let lut = solarizeLuts[key]
  if (!lut) {
    lut = new Uint8Array(256)
    for (let i = 0; i < 256; i++) lut[i] = i < key ? i : 255 - i
    solarizeLuts[key] = lut
  }
  applySharedLut(src, dst, lut)
}
