// The study's RandAugment (RandAugmentMC): n ops drawn with replacement from
// the pool, each with level v in [1, m-1] and applied with probability 0.5,
// then a grey Cutout. Sampling fills a reusable plan, so the magnitudes can be
// inspected and the batch loop allocates nothing per image.
import type { Rng } from '../../../shared/rng.ts'
import type { Image8 } from './image.ts'
import { cutoutRect } from './geometry.ts'
import { RAND_AUGMENT_OPS, applyOp, type RandAugmentOp } from './ops.ts'

/** The study's PARAMETER_MAX: levels are fractions of 10. */
export const PARAMETER_MAX = 10

export interface RandAugmentOptions {
  /** Ops per image (study: 2). */
  n?: number
  /** Magnitude bound (study: 10); levels are drawn from [1, m-1]. */
  m?: number
  /** Pool to draw from (default: the study's 14 ops). */
  ops?: readonly RandAugmentOp[]
  /** Chance that each drawn op is applied (study: 0.5). */
  probability?: number
  /** Cutout side as a fraction of the image width (study: 0.5, i.e. 16 px at 32); 0 disables. */
  cutoutFraction?: number
  /** Cutout grey value (study: 127). */
  cutoutFill?: number
}

export interface ResolvedRandAugmentOptions {
  n: number
  m: number
  ops: readonly RandAugmentOp[]
  probability: number
  cutoutFraction: number
  cutoutFill: number
}

export function resolveRandAugmentOptions(options: RandAugmentOptions = {}): ResolvedRandAugmentOptions {
  const resolved = {
    n: options.n ?? 2,
    m: options.m ?? 10,
    ops: options.ops ?? RAND_AUGMENT_OPS,
    probability: options.probability ?? 0.5,
    cutoutFraction: options.cutoutFraction ?? 0.5,
    cutoutFill: options.cutoutFill ?? 127
  }
  if (!Number.isInteger(resolved.n) || resolved.n < 0) throw new Error(`randAugment.n must be a non-negative integer, got ${resolved.n}`)
  if (!Number.isInteger(resolved.m) || resolved.m < 2) throw new Error(`randAugment.m must be an integer >= 2, got ${resolved.m}`)
  if (resolved.ops.length === 0) throw new Error('randAugment.ops must name at least one op')
  if (!(resolved.probability >= 0 && resolved.probability <= 1)) throw new Error(`randAugment.probability must be in [0, 1], got ${resolved.probability}`)
  if (!(resolved.cutoutFraction >= 0 && resolved.cutoutFraction <= 1))
    throw new Error(`randAugment.cutoutFraction must be in [0, 1], got ${resolved.cutoutFraction}`)
  return resolved
}

/**
 * The study's magnitude mapping for level v (float param v*max/10, int param
 * int(v*max/10)); `negate` is the op's own coin flip for signed ops.
 */
export function opValue(op: RandAugmentOp, level: number, width: number, height: number, negate: boolean): number {
  const sign = negate ? -1 : 1
  switch (op) {
    case 'Brightness':
    case 'Color':
    case 'Contrast':
    case 'Sharpness':
      return (level * 0.9) / PARAMETER_MAX + 0.05
    case 'Posterize':
      return Math.trunc((level * 4) / PARAMETER_MAX) + 4
    case 'Rotate':
      return sign * Math.trunc((level * 30) / PARAMETER_MAX)
    case 'ShearX':
    case 'ShearY':
      return (sign * (level * 0.3)) / PARAMETER_MAX
    case 'Solarize':
      return 256 - Math.trunc((level * 256) / PARAMETER_MAX)
    case 'TranslateX':
      return Math.trunc(((sign * (level * 0.3)) / PARAMETER_MAX) * width)
    case 'TranslateY':
      return Math.trunc(((sign * (level * 0.3)) / PARAMETER_MAX) * height)
    default:
      return 0
  }
}

/** Ops whose direction the study flips with a coin. */
function isSigned(op: RandAugmentOp): boolean {
  return op === 'Rotate' || op === 'ShearX' || op === 'ShearY' || op === 'TranslateX' || op === 'TranslateY'
}

export interface PlannedOp {
  op: RandAugmentOp
  /** Level in [1, m-1]. */
  level: number
  applied: boolean
  /** The op's parameter (factor, bits, ...) when applied. */
  value: number
}

export interface RandAugmentPlan {
  ops: PlannedOp[]
  /** Inclusive cutout box (before clipping to the image); ignored unless enabled. */
  cutout: { x0: number; y0: number; x1: number; y1: number; enabled: boolean }
}

/** A copy of what a plan drew, kept after the reusable plan is redrawn (the preview's trace). */
export function copyPlan(plan: RandAugmentPlan): RandAugmentPlan {
  return { ops: plan.ops.map((entry) => ({ ...entry })), cutout: { ...plan.cutout } }
}

export function createPlan(n: number): RandAugmentPlan {
  const ops: PlannedOp[] = []
  for (let i = 0; i < n; i++) ops.push({ op: 'Identity', level: 0, applied: false, value: 0 })
  return { ops, cutout: { x0: 0, y0: 0, x1: -1, y1: -1, enabled: false } }
}

/**
 * Draws one image's RandAugment in the study's order: all ops first
 * (random.choices), then per op its level, its 0.5 coin and, when applied,
 * its sign; then the cutout centre.
 */
export function samplePlan(rng: Rng, width: number, height: number, options: ResolvedRandAugmentOptions, plan: RandAugmentPlan): RandAugmentPlan {
  const { n, m, ops: pool, probability } = options
  while (plan.ops.length < n) plan.ops.push({ op: 'Identity', level: 0, applied: false, value: 0 })
  plan.ops.length = n
  for (let i = 0; i < n; i++) plan.ops[i].op = pool[rng.randint(0, pool.length - 1)]
  for (let i = 0; i < n; i++) {
    const entry = plan.ops[i]
    // The study calls np.random.randint(1, m), whose upper end is EXCLUSIVE:
    // levels are 1..m-1, never m. Rng.randint is inclusive, hence m - 1.
    entry.level = rng.randint(1, m - 1)
    entry.applied = rng.random() < probability
    entry.value = entry.applied ? opValue(entry.op, entry.level, width, height, isSigned(entry.op) && rng.random() < 0.5) : 0
  }
  const size = Math.trunc(options.cutoutFraction * width)
  const box = plan.cutout
  box.enabled = size > 0
  if (box.enabled) {
    // CutoutAbs: corner = centre - size/2 (floored at 0), far corner = corner + size
    // (capped at the image); ImageDraw.rectangle then fills both corners inclusive.
    const cx = rng.uniform(0, width)
    const cy = rng.uniform(0, height)
    box.x0 = Math.trunc(Math.max(0, cx - size / 2))
    box.y0 = Math.trunc(Math.max(0, cy - size / 2))
    box.x1 = Math.trunc(Math.min(width, box.x0 + size))
    box.y1 = Math.trunc(Math.min(height, box.y0 + size))
  }
  return plan
}

/** Applies a sampled plan to `img` in place. */
export function applyPlan(img: Image8, plan: RandAugmentPlan, cutoutFill: number): void {
  for (const entry of plan.ops) {
    if (entry.applied) applyOp(entry.op, img, img, entry.value)
  }
  const box = plan.cutout
  if (box.enabled) cutoutRect(img, img, box.x0, box.y0, box.x1, box.y1, cutoutFill)
}

/** RandAugment + Cutout of `src` into `dst` (dst may be src); returns what was drawn. */
export function randAugment(src: Image8, dst: Image8, rng: Rng, options: RandAugmentOptions = {}, plan?: RandAugmentPlan): RandAugmentPlan {
  const resolved = resolveRandAugmentOptions(options)
  if (dst.data !== src.data) dst.data.set(src.data)
  const sampled = samplePlan(rng, src.width, src.height, resolved, plan ?? createPlan(resolved.n))
  applyPlan(dst, sampled, resolved.cutoutFill)
  return sampled
}
