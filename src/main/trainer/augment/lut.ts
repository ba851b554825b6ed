// Lookup-table helpers: most PIL point ops reduce to one 256-entry table per
// channel, which is the fastest way to apply them to uint8 data.
import type { Image8 } from './image.ts'
import { assertSameShape } from './image.ts'

/** dst = lut[src] with one table for every channel. dst may be src. */
export function applySharedLut(src: Image8, dst: Image8, lut: Uint8Array): void {
  assertSameShape(src, dst)
  const s = src.data
  const d = dst.data
  for (let i = 0; i < s.length; i++) d[i] = lut[s[i]]
}

/** dst = luts[c*256 + src] with one table per channel. dst may be src. */
export function applyChannelLuts(src: Image8, dst: Image8, luts: Uint8Array): void {
  assertSameShape(src, dst)
  const s = src.data
  const d = dst.data
  const channels = src.channels
  if (channels === 1) {
    for (let i = 0; i < s.length; i++) d[i] = luts[s[i]]
    return
  }
  for (let i = 0; i < s.length; i += 3) {
    d[i] = luts[s[i]]
    d[i + 1] = luts[256 + s[i + 1]]
    d[i + 2] = luts[512 + s[i + 2]]
  }
}

/** Per-channel histograms into `hist` (channels*256 entries, cleared first). */
export function channelHistograms(img: Image8, hist: Int32Array): void {
  hist.fill(0, 0, img.channels * 256)
  const s = img.data
  if (img.channels === 1) {
    for (let i = 0; i < s.length; i++) hist[s[i]]++
    return
  }
  for (let i = 0; i < s.length; i += 3) {
    hist[s[i]]++
    hist[256 + s[i + 1]]++
    hist[512 + s[i + 2]]++
  }
}
