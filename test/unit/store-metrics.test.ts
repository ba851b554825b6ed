import { describe, expect, it } from 'vitest'
import { Rng } from '../../src/shared/rng.ts'
import { StoreFullError, StoreInputError, bestIsMax, type MetricPoint } from '../../src/main/store/index.ts'
import { connectionOf, open, raw, tempHome } from './store-helpers.ts'

const NAMES = ['loss', 'lossLabeled', 'eval/top1', 'maskRate', 'lr']

/** What the summary must say, computed from a plain map of everything written (last write per step wins). */
function expectedSummary(points: Map<string, number>) {
  const byName = new Map<string, [number, number][]>()
  for (const [key, value] of points) {
    const [name, step] = key.split('@')
    if (!byName.has(name)) byName.set(name, [])
    byName.get(name)!.push([Number(step), value])
  }
  const out: Record<string, { last: number; lastStep: number; best: number; min: number; max: number; count: number }> = {}
  for (const [name, rows] of byName) {
    rows.sort((a, b) => a[0] - b[0])
    const values = rows.map((r) => r[1])
    const min = Math.min(...values)
    const max = Math.max(...values)
    out[name] = { last: rows[rows.length - 1][1], lastStep: rows[rows.length - 1][0], best: bestIsMax(name) ? max : min, min, max, count: rows.length }
  }
  return out
}

describe('metric batches and the run summary', () => {
  it('the summary equals an aggregate of everything written, after random batches', () => {
    const store = open(tempHome())
    const rng = new Rng(42)
    const runs = [1, 2, 3].map((seed) => store.queue.enqueue({ config: { seed } }).id)
    const written = new Map<number, Map<string, number>>(runs.map((id) => [id, new Map()]))
    const nextStep = new Map<number, number>(runs.map((id) => [id, 0]))
    for (let b = 0; b < 60; b++) {
      const runId = runs[rng.randint(0, runs.length - 1)]
      const batch: MetricPoint[] = []
      const steps = rng.randint(1, 8)
      for (let i = 0; i < steps; i++) {
        // mostly new steps; sometimes a step again (a resumed run) or an older one
        const roll = rng.random()
        const step = roll < 0.8 ? (nextStep.set(runId, nextStep.get(runId)! + 10), nextStep.get(runId)!) : rng.randint(0, nextStep.get(runId)!)
        for (const name of NAMES) {
          if (rng.random() < 0.2) continue
          const value = rng.random() < 0.05 ? NaN : rng.uniform(-5, 5)
          batch.push({ step, name, value })
          if (Number.isFinite(value)) written.get(runId)!.set(`${name}@${step}`, value)
        }
      }
      const result = store.metrics.append(runId, batch)
      expect(result.inserted + result.skipped).toBe(batch.length)
    }
    const listed = new Map(store.runs.list().map((r) => [r.id, r.summary]))
    for (const runId of runs) {
      const expected = expectedSummary(written.get(runId)!)
      const strip = (summary: Record<string, { bestIs: string }>) =>
        Object.fromEntries(Object.entries(summary).map(([name, { bestIs: _bestIs, ...rest }]) => [name, rest]))
      expect(strip(store.metrics.summary(runId))).toEqual(expected)
      expect(strip(listed.get(runId)!)).toEqual(expected)
    }
    // and it matches SQL over the metrics table itself
    const db = raw(store.path.replace(/\/runs\.sqlite$/, ''))
    const counts = db.prepare('SELECT run_id, name_id, count(*) AS n FROM metrics GROUP BY run_id, name_id').all() as { n: number }[]
    const summaryCounts = db.prepare('SELECT count AS n FROM run_summary ORDER BY run_id, name_id').all() as { n: number }[]
    db.close()
    expect(summaryCounts.map((r) => r.n)).toEqual(counts.map((r) => r.n))
  })

  it('refuses a malformed batch whole, naming the point and field', () => {
    const store = open(tempHome())
    const run = store.queue.enqueue({ config: {} })
    expect(() =>
      store.metrics.append(run.id, [
        { step: 1, name: 'loss', value: 1 },
        { step: -1, name: 'loss', value: 2 }
      ])
    ).toThrow(/points\[1\]\.step/)
    expect(() => store.metrics.append(run.id, [{ step: 1, name: '', value: 1 }])).toThrow(StoreInputError)
    expect(() => store.metrics.append(999, [{ step: 1, name: 'loss', value: 1 }])).toThrow('no run with id 999')
    expect(store.metrics.summary(run.id)).toEqual({})
  })

  it('truncateAfter drops the repeated steps of a resumed run and recomputes the summary', () => {
    const store = open(tempHome())
    const run = store.queue.enqueue({ config: {} })
    const points = Array.from({ length: 100 }, (_, i) => ({ step: i + 1, name: 'loss', value: 100 - i }))
    store.metrics.append(run.id, points)
    store.metrics.appendStep(run.id, 100, { 'eval/top1': 0.5 })
    expect(store.metrics.truncateAfter(run.id, 50)).toBe(51)
    expect(store.metrics.summary(run.id)).toEqual({ loss: { last: 51, lastStep: 50, best: 51, bestIs: 'min', min: 51, max: 100, count: 50 } })
    store.metrics.append(run.id, [{ step: 51, name: 'loss', value: 7 }])
    expect(store.metrics.summary(run.id).loss).toMatchObject({ last: 7, lastStep: 51, best: 7, count: 51 })
  })
})

describe('listing runs', () => {
  it('never reads the metrics table', () => {
    const home = tempHome()
    const store = open(home)
    const run = store.queue.enqueue({ config: {} })
    store.metrics.append(run.id, [
      { step: 10, name: 'eval/top1', value: 0.2 },
      { step: 20, name: 'eval/top1', value: 0.6 },
      { step: 30, name: 'eval/top1', value: 0.4 }
    ])
    const db = raw(home)
    db.exec('ALTER TABLE metrics RENAME TO metrics_hidden')
    db.close()
    const [listed] = store.runs.list()
    expect(listed.summary['eval/top1']).toEqual({ last: 0.4, lastStep: 30, best: 0.6, bestIs: 'max', min: 0.2, max: 0.6, count: 3 })
    expect(store.runs.list({ ids: [run.id], search: 'fixmatch' })).toHaveLength(1)
  })
})

describe('metric series for charts', () => {
  function seeded(store: ReturnType<typeof open>, count: number) {
    const run = store.queue.enqueue({ config: {} })
    const rng = new Rng(7)
    const points = Array.from({ length: count }, (_, i) => ({ step: (i + 1) * 10, name: 'loss', value: rng.normal() }))
    points[1234].value = 50 // a spike the chart must show
    store.metrics.append(run.id, points)
    return { runId: run.id, points }
  }

  it('keeps the first and last points, the extremes, and at most maxPoints', () => {
    const store = open(tempHome())
    const { runId, points } = seeded(store, 5000)
    const series = store.metrics.series(runId, 'loss', { maxPoints: 100 })
    expect(series.totalPoints).toBe(5000)
    expect(series.downsampled).toBe(true)
    expect(series.points.length).toBeLessThanOrEqual(100)
    expect(series.points.length).toBeGreaterThan(90)
    expect(series.points[0]).toEqual({ step: points[0].step, value: points[0].value })
    expect(series.points.at(-1)).toEqual({ step: 50000, value: points.at(-1)!.value })
    expect(series.points.map((p) => p.value)).toContain(50)
    const minimum = Math.min(...points.map((p) => p.value))
    expect(series.points.map((p) => p.value)).toContain(minimum)
    const steps = series.points.map((p) => p.step)
    expect(steps).toEqual([...steps].sort((a, b) => a - b))
    expect(series.lastStep).toBe(50000)
  })

  it('withTime gives each point its wall time, whole, bucketed in JS and bucketed in SQLite', () => {
    const store = open(tempHome())
    const run = store.queue.enqueue({ config: {} })
    const points = Array.from({ length: 10_000 }, (_, i) => ({ step: i + 1, name: 'loss', value: Math.sin(i), wallTime: 1_700_000_000_000 + i * 250 }))
    store.metrics.append(run.id, points)
    const timeOf = (step: number) => 1_700_000_000_000 + (step - 1) * 250
    for (const maxPoints of [20_000, 2000, 100]) {
      const series = store.metrics.series(run.id, 'loss', { maxPoints, withTime: true })
      expect(series.points.length).toBeGreaterThan(2)
      for (const point of series.points) expect(point.time).toBe(timeOf(point.step))
    }
    expect(store.metrics.series(run.id, 'loss', { maxPoints: 100 }).points[0]).toEqual({ step: 1, value: 0 })
  })

  it('returns short series whole, and afterStep gives only newer points', () => {
    const store = open(tempHome())
    const { runId, points } = seeded(store, 5000)
    const newer = store.metrics.series(runId, 'loss', { afterStep: 49_900 })
    expect(newer.points).toEqual(points.slice(-10).map(({ step, value }) => ({ step, value })))
    expect(newer.downsampled).toBe(false)
    expect(store.metrics.series(runId, 'loss', { afterStep: 50_000 })).toMatchObject({ points: [], lastStep: null })
    expect(store.metrics.series(runId, 'no-such-metric').points).toEqual([])
    expect(() => store.metrics.series(runId, 'loss', { maxPoints: 1 })).toThrow(/maxPoints/)
  })

  it('holds its promises for any length, gaps and maxPoints', () => {
    const store = open(tempHome())
    const runId = store.queue.enqueue({ config: {} }).id
    const rng = new Rng(3)
    for (let trial = 0; trial < 150; trial++) {
      const name = `m${trial}`
      const n = rng.randint(1, 400)
      let step = 0
      const points = Array.from({ length: n }, () => ({ step: (step += rng.randint(1, 20)), name, value: rng.normal() }))
      store.metrics.append(runId, points)
      const maxPoints = rng.randint(2, 60)
      const afterStep = rng.random() < 0.3 ? points[rng.randint(0, n - 1)].step : undefined
      const range = points.filter((p) => afterStep === undefined || p.step > afterStep).map(({ step, value }) => ({ step, value }))
      const series = store.metrics.series(runId, name, { maxPoints, afterStep })
      expect(series.totalPoints).toBe(range.length)
      if (range.length <= maxPoints) {
        expect(series.points).toEqual(range)
        continue
      }
      expect(series.points.length).toBeLessThanOrEqual(maxPoints)
      expect(series.points[0]).toEqual(range[0])
      expect(series.points.at(-1)).toEqual(range.at(-1))
      for (let i = 1; i < series.points.length; i++) expect(series.points[i].step).toBeGreaterThan(series.points[i - 1].step)
      const values = series.points.map((p) => p.value)
      const all = range.map((p) => p.value)
      if (maxPoints >= 4) expect([Math.min(...values), Math.max(...values)]).toEqual([Math.min(...all), Math.max(...all)])
      // every kept point is a real one
      const real = new Map(range.map((p) => [p.step, p.value]))
      for (const p of series.points) expect(real.get(p.step)).toBe(p.value)
    }
  })
})

describe('a full disk', () => {
  it('SQLITE_FULL surfaces as StoreFullError; the batch rolls back and earlier data is intact', () => {
    const store = open(tempHome())
    const run = store.queue.enqueue({ config: {} })
    store.metrics.append(
      run.id,
      Array.from({ length: 50 }, (_, i) => ({ step: i, name: 'loss', value: i }))
    )
    const before = store.metrics.summary(run.id)
    const db = connectionOf(store)
    const pages = Number(db.pragma('page_count', { simple: true }))
    db.pragma(`max_page_count = ${pages}`)
    const big = Array.from({ length: 20000 }, (_, i) => ({ step: 1000 + i, name: 'lossUnlabeled', value: i }))
    let error: unknown
    try {
      store.metrics.append(run.id, big)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(StoreFullError)
    expect((error as Error).message).toMatch(/full.*rolled back.*intact/)
    expect(store.metrics.summary(run.id)).toEqual(before)
    expect(store.metrics.series(run.id, 'loss').totalPoints).toBe(50)
    expect(store.metrics.series(run.id, 'lossUnlabeled').totalPoints).toBe(0)
    // space again: the same batch goes in
    db.pragma('max_page_count = 1073741823')
    expect(store.metrics.append(run.id, big).inserted).toBe(20000)
  })
})
