// The packing bound `bench slots` prints beside its measured ratio: what the
// runs' own lengths allow on the default slots, before any contention.
import { describe, expect, it } from 'vitest'
import { packingBound } from '../../src/cli/commands/bench-slots.ts'

describe('bench slots: the packing bound', () => {
  it('three equal runs on two slots can at best take two thirds of their time one after another', () => {
    expect(packingBound([100, 100, 100], 2)).toBeCloseTo(2 / 3, 10)
  })

  it('starts each run, in queue order, on the first free slot: a short S first lets O and U overlap it', () => {
    // S 50 and O 100 start together; U starts when S ends (50) and ends at 150: 150 of 250
    expect(packingBound([50, 100, 100], 2)).toBeCloseTo(0.6, 10)
    expect(packingBound([80, 100, 100], 2)).toBeCloseTo(180 / 280, 10)
  })

  it('one slot, or more slots than runs', () => {
    expect(packingBound([30, 70], 1)).toBe(1)
    expect(packingBound([30, 70], 4)).toBeCloseTo(0.7, 10)
    expect(packingBound([], 2)).toBe(1)
  })
})
