import { describe, expect, it } from 'vitest'
import { Rng } from '../../src/shared/rng.ts'
import { makeLabeledSplit, splitHash } from '../../src/main/data/split.ts'

// 10 classes of unequal size (class c has 20 + c images), in shuffled order.
function syntheticLabels(): Int32Array {
  const labels: number[] = []
  for (let c = 0; c < 10; c++) for (let i = 0; i < 20 + c; i++) labels.push(c)
  const array = Int32Array.from(labels)
  new Rng(123).shuffle(array)
  return array
}
const labels = syntheticLabels()
const N = labels.length

describe('makeLabeledSplit', () => {
  it('draws k labels per class', () => {
    const split = makeLabeledSplit(labels, 10, { labelsPerClass: 4, seed: 1, unlabeledMode: 'rest' })
    expect(split.labeled.length).toBe(40)
    const perClass = new Array(10).fill(0)
    for (const i of split.labeled) perClass[labels[i]]++
    expect(perClass).toEqual(new Array(10).fill(4))
    expect(Array.from(split.labeled)).toEqual([...split.labeled].sort((a, b) => a - b))
  })

  it('is the same for the same seed and differs across seeds', () => {
    const options = { labelsPerClass: 4, unlabeledMode: 'rest' } as const
    const a = makeLabeledSplit(labels, 10, { ...options, seed: 7 })
    const b = makeLabeledSplit(labels, 10, { ...options, seed: 7 })
    const c = makeLabeledSplit(labels, 10, { ...options, seed: 8 })
    expect(Array.from(b.labeled)).toEqual(Array.from(a.labeled))
    expect(b.splitHash).toBe(a.splitHash)
    expect(Array.from(c.labeled)).not.toEqual(Array.from(a.labeled))
    expect(c.splitHash).not.toBe(a.splitHash)
    expect(a.splitHash).toMatch(/^[0-9a-f]{16}$/)
  })

  it("'rest' leaves out the labeled images, 'all' keeps every image", () => {
    const rest = makeLabeledSplit(labels, 10, { labelsPerClass: 2, seed: 3, unlabeledMode: 'rest' })
    const all = makeLabeledSplit(labels, 10, { labelsPerClass: 2, seed: 3, unlabeledMode: 'all' })
    expect(Array.from(all.labeled)).toEqual(Array.from(rest.labeled))
    expect(rest.unlabeled.length).toBe(N - 20)
    const labeledSet = new Set(rest.labeled)
    expect(Array.from(rest.unlabeled).some((i) => labeledSet.has(i))).toBe(false)
    expect(Array.from(all.unlabeled)).toEqual(Array.from({ length: N }, (_, i) => i))
    // Same labeled images, different unlabeled pool: the hash tells them apart.
    expect(all.splitHash).not.toBe(rest.splitHash)
    expect(splitHash(Array.from(rest.labeled).reverse(), 'rest')).toBe(rest.splitHash)
  })

  it('never labels an image of unknown label but keeps it unlabeled', () => {
    const withUnknown = Int32Array.from([...labels, -1, -1])
    const split = makeLabeledSplit(withUnknown, 10, { labelsPerClass: 20, seed: 0, unlabeledMode: 'rest' })
    expect(split.labeled.every((i) => withUnknown[i] >= 0)).toBe(true)
    expect(Array.from(split.unlabeled)).toContain(N)
    expect(Array.from(split.unlabeled)).toContain(N + 1)
  })

  it('refuses k larger than the smallest class, naming it, and k < 1', () => {
    const names = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine']
    expect(() => makeLabeledSplit(labels, 10, { labelsPerClass: 21, seed: 0, unlabeledMode: 'rest', classNames: names })).toThrow(
      /labels per class 21 is more than class "zero" has: 20 training images/
    )
    expect(() => makeLabeledSplit(labels, 11, { labelsPerClass: 1, seed: 0, unlabeledMode: 'rest' })).toThrow(/class "10" has: 0/)
    expect(() => makeLabeledSplit(labels, 10, { labelsPerClass: 0, seed: 0, unlabeledMode: 'rest' })).toThrow(/at least 1/)
  })
})
