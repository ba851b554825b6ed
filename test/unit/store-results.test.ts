// A run's results (final, best, median of the last 20 evaluations) in the contract's record the
// service builds from the store, also for runs whose rows were written before the results existed.
import { describe, expect, it } from 'vitest'
import { toApiRun } from '../../src/main/service/records.ts'
import type { RunStore } from '../../src/main/store/index.ts'
import { open, raw, tempHome } from './store-helpers.ts'

/** The record the service answers for one run (runs/get, runs/list). */
const record = (store: RunStore, runId: number) => toApiRun(store, store.runs.list({ ids: [runId] })[0]!)

/** eval/top1 at steps 100, 200, ...: the values given, in step order. */
function evals(values: number[]) {
  return values.map((value, i) => ({ step: (i + 1) * 100, name: 'eval/top1', value }))
}

describe('run results from the eval/top1 series', () => {
  it('takes the median of the last 20 evaluations when there are more', () => {
    const store = open(tempHome())
    const run = store.queue.enqueue({ config: { seed: 1 } })
    // 25 evaluations: 90 (the best, early), then 51..74; the last 20 are 55..74, median (64 + 65) / 2
    const values = [90, ...Array.from({ length: 24 }, (_, i) => 51 + i)]
    store.metrics.append(run.id, [...evals(values), { step: 2500, name: 'loss', value: 0.3 }])
    expect(record(store, run.id).results).toEqual({ final: 74, best: 90, medianLast20: { value: 64.5, n: 20 } })
  })

  it('takes all of them, and says how many, when there are fewer than 20', () => {
    const store = open(tempHome())
    const run = store.queue.enqueue({ config: { seed: 1 } })
    store.metrics.append(run.id, evals([10, 40, 30, 20, 35]))
    expect(record(store, run.id).results).toEqual({ final: 35, best: 40, medianLast20: { value: 30, n: 5 } })
  })

  it('follows a resumed run that rewrote its last steps', () => {
    const store = open(tempHome())
    const run = store.queue.enqueue({ config: { seed: 1 } })
    store.metrics.append(run.id, evals([10, 20, 30, 40]))
    store.metrics.truncateAfter(run.id, 200)
    store.metrics.append(run.id, [{ step: 300, name: 'eval/top1', value: 5 }])
    expect(record(store, run.id).results).toEqual({ final: 5, best: 20, medianLast20: { value: 10, n: 3 } })
  })

  it('is null for a run without evaluations', () => {
    const store = open(tempHome())
    const none = store.queue.enqueue({ config: { seed: 1 } })
    store.metrics.append(none.id, [{ step: 10, name: 'loss', value: 1 }])
    expect(record(store, none.id).results).toBeNull()
    const some = store.queue.enqueue({ config: { seed: 2 } })
    store.metrics.append(some.id, evals([1, 3, 2]))
    expect(record(store, some.id).results).toEqual({ final: 2, best: 3, medianLast20: { value: 2, n: 3 } })
  })

  it('gives a run stored before the results existed its median from the recorded series alone', () => {
    const home = tempHome()
    const store = open(home)
    const run = store.queue.enqueue({ config: { seed: 1 } })
    store.close()
    // what an older version left: metric rows and their run_summary row, written as rows, nothing else
    const db = raw(home)
    const nameId = Number(db.prepare("INSERT INTO metric_names (name) VALUES ('eval/top1')").run().lastInsertRowid)
    const values = Array.from({ length: 30 }, (_, i) => (i * 7) % 30)
    const insert = db.prepare('INSERT INTO metrics (run_id, name_id, step, value, wall_time) VALUES (?, ?, ?, ?, 0)')
    values.forEach((value, i) => insert.run(run.id, nameId, i * 50, value))
    db.prepare('INSERT INTO run_summary (run_id, name_id, last, last_step, best, min, max, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      run.id,
      nameId,
      values[29],
      29 * 50,
      Math.max(...values),
      Math.min(...values),
      Math.max(...values),
      values.length
    )
    db.close()
    const reopened = open(home)
    // the last 20 (i = 10..29) sorted: 1 2 4 6 8 9 10 11 13 15 | 16 17 18 20 22 23 24 25 27 29; the last is 203 % 30 = 23
    expect(record(reopened, run.id).results).toEqual({ final: 23, best: 29, medianLast20: { value: 15.5, n: 20 } })
  })
})

describe('Metrics.newest', () => {
  it('reads the newest points of one metric, newest first, and refuses a bad count', () => {
    const store = open(tempHome())
    const run = store.queue.enqueue({ config: { seed: 1 } })
    store.metrics.append(run.id, [...evals([1, 2, 3, 4]), { step: 500, name: 'loss', value: 9 }])
    expect(store.metrics.newest(run.id, 'eval/top1', 2)).toEqual([4, 3])
    expect(store.metrics.newest(run.id, 'eval/top5', 2)).toEqual([])
    expect(() => store.metrics.newest(run.id, 'eval/top1', 0)).toThrow(/count: expected an integer >= 1/)
  })
})
