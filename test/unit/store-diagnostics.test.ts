// Diagnostics records (migration 6): one per evaluation, the matrix as a blob
// of uint32 little-endian counts; replaced on a re-evaluated step, cut back at
// a resume, deleted with the run, carried by export and import.
import { describe, expect, it } from 'vitest'
import { StoreInputError, type RunExport } from '../../src/main/store/index.ts'
import { decodeCounts, encodeCounts } from '../../src/main/store/count-blob.ts'
import type { NewDiagnostics } from '../../src/main/store/diagnostics.ts'
import { open, raw, tempHome } from './store-helpers.ts'

const samples = {
  misclassified: [{ index: 7, predicted: 1, label: 0 }],
  unlabeled: [{ index: 12, pseudoLabel: 1, confidence: 0.75, label: 1 }]
}

/** 2 classes: row 0 = [3, 1] (3 of 4 right), row 1 = [0, 2] */
function evaluation(step: number, overrides: Partial<NewDiagnostics> = {}): NewDiagnostics {
  return { step, classes: 2, confusion: [3, 1, 0, 2], pseudoLabels: { steps: 10, histogram: [5, 3], passed: [4, 0] }, samples, ...overrides }
}

describe('count blobs', () => {
  it('are uint32 little-endian, 4 bytes a count, and decode to the same counts', () => {
    const blob = encodeCounts([0, 1, 0xffffffff, 300], 'confusion')
    expect([...blob]).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 255, 255, 255, 255, 44, 1, 0, 0])
    expect(Array.from(decodeCounts(blob, 4, 'confusion'))).toEqual([0, 1, 0xffffffff, 300])
  })

  it('refuse what is not a count, and a blob of the wrong size, naming the field', () => {
    expect(() => encodeCounts([1, -1], 'confusion')).toThrow('confusion.1: expected a count from 0 to 2^32-1, got -1')
    expect(() => encodeCounts([0.5], 'passed')).toThrow(StoreInputError)
    expect(() => decodeCounts(new Uint8Array(12), 4, 'confusion')).toThrow('confusion: expected 4 counts (16 bytes), got 12 bytes')
  })
})

describe('diagnostics records', () => {
  it('keep one record per evaluation: per-class tallies over steps without reading the matrices, the matrix at a step', () => {
    const store = open(tempHome())
    const run = store.queue.enqueue({ config: {} })
    store.diagnostics.record(run.id, evaluation(10))
    store.diagnostics.record(run.id, evaluation(20, { confusion: [4, 0, 1, 1], pseudoLabels: null }))
    expect(store.diagnostics.summary(run.id)).toEqual([
      { step: 10, classes: 2, correct: [3, 2], images: [4, 2], pseudoLabels: { steps: 10, histogram: [5, 3], passed: [4, 0] } },
      { step: 20, classes: 2, correct: [4, 1], images: [4, 2], pseudoLabels: null }
    ])
    const latest = store.diagnostics.get(run.id)!
    expect(latest.step).toBe(20)
    expect(Array.from(latest.confusion)).toEqual([4, 0, 1, 1])
    expect(store.diagnostics.get(run.id, 10)?.samples).toEqual(samples)
    expect(store.diagnostics.get(run.id, 15)).toBeUndefined()
    // the blob in the table is the encoding above
    const db = raw(store.path.replace(/\/runs\.sqlite$/, ''))
    const row = db.prepare('SELECT confusion FROM run_diagnostics WHERE run_id = ? AND step = 10').get(run.id) as { confusion: Buffer }
    expect([...row.confusion]).toEqual([3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0])
    db.close()
  })

  it('a step evaluated again replaces its record; a resume cuts the records after its checkpoint; deleting the run deletes them', () => {
    const store = open(tempHome())
    const run = store.queue.enqueue({ config: {} })
    for (const step of [10, 20, 30]) store.diagnostics.record(run.id, evaluation(step))
    store.diagnostics.record(run.id, evaluation(20, { confusion: [0, 4, 0, 2] }))
    expect(Array.from(store.diagnostics.get(run.id, 20)!.confusion)).toEqual([0, 4, 0, 2])
    expect(store.diagnostics.truncateAfter(run.id, 20)).toBe(1)
    expect(store.diagnostics.summary(run.id).map((s) => s.step)).toEqual([10, 20])
    store.runs.delete(run.id)
    expect(store.diagnostics.summary(run.id)).toEqual([])
  })

  it('refuse a matrix that is not classes x classes and pseudo-label counts not one per class', () => {
    const store = open(tempHome())
    const run = store.queue.enqueue({ config: {} })
    expect(() => store.diagnostics.record(run.id, evaluation(10, { confusion: [1, 2, 3] }))).toThrow('confusion: expected 4 counts (2 x 2), got 3')
    expect(() => store.diagnostics.record(run.id, evaluation(10, { pseudoLabels: { steps: 1, histogram: [1], passed: [1, 0] } }))).toThrow(
      'pseudoLabels.histogram: expected 2 counts, got 1'
    )
    expect(() => store.diagnostics.record(999, evaluation(10))).toThrow('no run with id 999')
  })

  it('travel with the run through export and import', () => {
    const source = open(tempHome())
    const run = source.queue.enqueue({ config: { steps: 30 } })
    source.diagnostics.record(run.id, evaluation(10))
    source.diagnostics.record(run.id, evaluation(30, { pseudoLabels: null }))
    const exported = JSON.parse(JSON.stringify(source.exports.runJson(run.id))) as RunExport
    expect(exported.diagnostics.map((d) => [d.step, d.confusion])).toEqual([
      [10, [3, 1, 0, 2]],
      [30, [3, 1, 0, 2]]
    ])
    const target = open(tempHome())
    const imported = target.imports.importRun(exported)
    expect(target.diagnostics.list(imported.id)).toEqual(source.diagnostics.list(run.id))
    // an export from before diagnostics imports with none
    const { diagnostics: _none, ...older } = exported
    expect(target.diagnostics.list(target.imports.importRun(older).id)).toEqual([])
    // a bad record is named by its place
    const bad = { ...exported, diagnostics: [{ ...exported.diagnostics[0], confusion: [1] }] }
    expect(() => target.imports.importRun(bad)).toThrow('diagnostics.0.confusion: expected 4 counts (2 x 2), got 1')
    const late = { ...exported, diagnostics: [{ ...exported.diagnostics[0], step: 31 }] }
    expect(() => target.imports.importRun(late)).toThrow('diagnostics.0.step: expected a step from 0 to 30, got 31')
  })
})
