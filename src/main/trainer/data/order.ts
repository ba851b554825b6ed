// The order in which a run visits its images: a fresh seeded permutation per
// epoch, read as one endless stream. Position k of the stream depends only on
// (seed, k), so a resumed run needs nothing but its step to continue exactly.
import { deriveSeed, Rng } from '../../../shared/rng.ts'

export class EpochOrder {
  private cachedEpoch = -1
  private cachedPermutation = new Int32Array(0)

  constructor(
    private readonly pool: Int32Array,
    private readonly seed: number,
    private readonly stream: number
  ) {
    if (pool.length === 0) throw new Error('cannot draw batches from an empty set of images')
  }

  /** The `count` indices starting at stream position `start`. */
  take(start: number, count: number): Int32Array {
    const out = new Int32Array(count)
    const n = this.pool.length
    for (let i = 0; i < count; i++) {
      const position = start + i
      out[i] = this.permutation(Math.floor(position / n))[position % n]
    }
    return out
  }

  private permutation(epoch: number): Int32Array {
    if (epoch !== this.cachedEpoch) {
      const perm = this.pool.slice()
      new Rng(deriveSeed(this.seed, this.stream, epoch)).shuffle(perm)
      this.cachedPermutation = perm
      this.cachedEpoch = epoch
    }
    return this.cachedPermutation
  }
}
