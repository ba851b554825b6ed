// One seeded generator per run (xoshiro128**). Its whole state is four
// uint32 words, so a checkpoint can store it and a resumed run continues
// the exact same stream.

export type RngState = [number, number, number, number]

function splitmix32(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

export class Rng {
  private s0: number
  private s1: number
  private s2: number
  private s3: number

  constructor(seed: number | RngState) {
    if (Array.isArray(seed)) {
      ;[this.s0, this.s1, this.s2, this.s3] = seed.map((v) => v >>> 0) as RngState
    } else {
      const next = splitmix32(seed)
      this.s0 = next()
      this.s1 = next()
      this.s2 = next()
      this.s3 = next()
    }
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0
    const t = this.s1 << 9
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotl(this.s3, 11)
    return result
  }

  /** Uniform float in [0, 1). */
  random(): number {
    return this.nextUint32() / 4294967296
  }

  /** Uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random()
  }

  /** Uniform integer in [low, high] (both ends included, like Python's randint). */
  randint(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low + 1))
  }

  /** Standard normal sample (Box-Muller). */
  normal(): number {
    let u = 0
    while (u === 0) u = this.random()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random())
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(items: T[] | Int32Array | Uint32Array): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1))
      const tmp = items[i]
      items[i] = items[j]
      items[j] = tmp
    }
  }

  /** A fresh generator seeded from this one, for an independent stream (e.g. a worker). */
  fork(): Rng {
    return new Rng([this.nextUint32(), this.nextUint32(), this.nextUint32(), this.nextUint32()])
  }

  getState(): RngState {
    return [this.s0, this.s1, this.s2, this.s3]
  }

  setState(state: RngState): void {
    ;[this.s0, this.s1, this.s2, this.s3] = state.map((v) => v >>> 0) as RngState
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

/**
 * A 32-bit seed derived from a run seed and integers naming a stream and a
 * position (e.g. ("augment", step)): the same inputs always give the same
 * seed, so a batch's randomness depends only on the run seed and its step.
 */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = (seed ^ 0x5bd1e995) >>> 0
  for (const part of [...parts, parts.length]) {
    h = Math.imul(h ^ (part >>> 0), 0x9e3779b1) >>> 0
    h = (h ^ (h >>> 15)) >>> 0
    h = Math.imul(h, 0x85ebca77) >>> 0
    h = (h ^ (h >>> 13)) >>> 0
  }
  return h
}

/** Names of the independent random streams of a run. */
export const STREAMS = { split: 1, init: 2, labeledOrder: 3, unlabeledOrder: 4, augment: 5 } as const
