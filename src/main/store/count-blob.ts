// Counts (a confusion matrix, per-class tallies) as a BLOB: unsigned 32-bit
// little-endian integers, 4 bytes each. A CIFAR-100 matrix is 40 KB a record.
import { StoreInputError } from './errors.ts'

export function encodeCounts(counts: ArrayLike<number>, field: string): Buffer {
  const blob = Buffer.alloc(counts.length * 4)
  for (let i = 0; i < counts.length; i++) {
    const value = counts[i]
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new StoreInputError(`${field}.${i}`, `expected a count from 0 to 2^32-1, got ${value}`)
    }
    blob.writeUInt32LE(value, i * 4)
  }
  return blob
}

/** The counts of a blob that must hold `length` of them. */
export function decodeCounts(blob: Uint8Array, length: number, field: string): Uint32Array {
  if (blob.byteLength !== length * 4) throw new StoreInputError(field, `expected ${length} counts (${length * 4} bytes), got ${blob.byteLength} bytes`)
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength)
  return Uint32Array.from({ length }, (_, i) => view.getUint32(i * 4, true))
}
