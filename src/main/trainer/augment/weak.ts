// The weak view: horizontal flip with p 0.5 (optional, e.g. off for digits),
// then RandomCrop(size, padding=pad, padding_mode='reflect'), fused in one pass.
import type { Rng } from '../../../shared/rng.ts'
import type { Image8 } from './image.ts'
import { padReflectCrop } from './geometry.ts'

export interface WeakOptions {
  /** Flip left-right with p 0.5 (default true). */
  horizontalFlip?: boolean
  /** Reflect padding before the random crop (study: 4 at 32 px, i.e. int(32*0.125)). */
  pad?: number
}

export interface WeakDraw {
  flip: boolean
  cropX: number
  cropY: number
}

export function resolveWeakOptions(options: WeakOptions = {}): Required<WeakOptions> {
  const resolved = { horizontalFlip: options.horizontalFlip ?? true, pad: options.pad ?? 4 }
  if (!Number.isInteger(resolved.pad) || resolved.pad < 0) throw new Error(`weak.pad must be a non-negative integer, got ${resolved.pad}`)
  return resolved
}

/** Draws flip then crop offsets (top before left, as torchvision's RandomCrop.get_params). */
export function sampleWeak(rng: Rng, options: Required<WeakOptions>, draw: WeakDraw): WeakDraw {
  draw.flip = options.horizontalFlip && rng.random() < 0.5
  draw.cropY = rng.randint(0, 2 * options.pad)
  draw.cropX = rng.randint(0, 2 * options.pad)
  return draw
}

/** Weak view of `src` into `dst` (same shape; dst may be src). */
export function weakView(src: Image8, dst: Image8, rng: Rng, options: WeakOptions = {}, draw: WeakDraw = { flip: false, cropX: 0, cropY: 0 }): WeakDraw {
  const resolved = resolveWeakOptions(options)
  sampleWeak(rng, resolved, draw)
  padReflectCrop(src, dst, resolved.pad, draw.cropX, draw.cropY, draw.flip)
  return draw
}
