// The labeled split of a training set: k labels per class, class-balanced,
// drawn with the run's seed, and the unlabeled pool that goes with it.
//
// Draw: one Rng(seed); for each class in index order, the class's training
// indices (ascending) are shuffled with it and the first k are kept. So the
// same seed over the same labels always gives the same split.
// Unlabeled pool: 'rest' = every training index not drawn as labeled (as the
// study did); 'all' = every training index, labeled ones included (as the
// FixMatch paper did). Images whose label is unknown (-1) are never drawn as
// labeled but always sit in the unlabeled pool.
import { createHash } from 'node:crypto'
import { Rng } from '../../shared/rng.ts'

export type UnlabeledMode = 'rest' | 'all'

export interface LabeledSplit {
  /** Training indices that keep their label, ascending. */
  labeled: Int32Array
  /** Training indices used without their label, ascending. */
  unlabeled: Int32Array
  labelsPerClass: number
  unlabeledMode: UnlabeledMode
  /** Short sha256 of the labeled indices and the mode: equal hashes, same split. */
  splitHash: string
}

export interface SplitOptions {
  labelsPerClass: number
  seed: number
  unlabeledMode: UnlabeledMode
  /** For error messages; defaults to the class index. */
  classNames?: string[]
}

export function makeLabeledSplit(labels: Int32Array, classCount: number, options: SplitOptions): LabeledSplit {
  const { labelsPerClass, seed, unlabeledMode, classNames } = options
  if (!Number.isInteger(labelsPerClass) || labelsPerClass < 1) {
    throw new Error(`labels per class must be an integer of at least 1, got ${labelsPerClass}`)
  }
  if (unlabeledMode !== 'rest' && unlabeledMode !== 'all') {
    throw new Error(`unlabeled mode must be 'rest' or 'all', got "${String(unlabeledMode)}"`)
  }
  const byClass = indicesByClass(labels, classCount)
  byClass.forEach((indices, c) => {
    if (indices.length < labelsPerClass) {
      const name = classNames?.[c] ?? String(c)
      throw new Error(`labels per class ${labelsPerClass} is more than class "${name}" has: ${indices.length} training image${indices.length === 1 ? '' : 's'}`)
    }
  })

  const rng = new Rng(seed)
  const isLabeled = new Uint8Array(labels.length)
  for (const indices of byClass) {
    rng.shuffle(indices)
    for (let i = 0; i < labelsPerClass; i++) isLabeled[indices[i]] = 1
  }

  const labeled: number[] = []
  const unlabeled: number[] = []
  for (let i = 0; i < labels.length; i++) {
    if (isLabeled[i]) labeled.push(i)
    if (!isLabeled[i] || unlabeledMode === 'all') unlabeled.push(i)
  }
  const labeledIndices = Int32Array.from(labeled)
  return {
    labeled: labeledIndices,
    unlabeled: Int32Array.from(unlabeled),
    labelsPerClass,
    unlabeledMode,
    splitHash: splitHash(labeledIndices, unlabeledMode)
  }
}

/** 16 hex digits of sha256("<mode>:<sorted labeled indices, comma-separated>"). */
export function splitHash(labeledIndices: ArrayLike<number>, unlabeledMode: UnlabeledMode): string {
  const sorted = Array.from(labeledIndices).sort((a, b) => a - b)
  return createHash('sha256')
    .update(`${unlabeledMode}:${sorted.join(',')}`)
    .digest('hex')
    .slice(0, 16)
}

function indicesByClass(labels: Int32Array, classCount: number): number[][] {
  const byClass: number[][] = Array.from({ length: classCount }, () => [])
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]
    if (label === -1) continue
    if (label < 0 || label >= classCount) throw new Error(`training label ${label} at index ${i} is outside 0..${classCount - 1}`)
    byClass[label].push(i)
  }
  return byClass
}
