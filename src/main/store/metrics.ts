// The big table. Appends go in one transaction per batch, together with the
// run_summary upsert, so the summary is never behind the metrics. Series for
// charts are down-sampled inside SQLite (min-max per step bucket over the
// clustered key), so a 100k-point run never crosses into JavaScript whole.
import type { Statement } from 'better-sqlite3'
import type { StoreContext } from './context.ts'
import { NotFoundError, StoreInputError } from './errors.ts'
import { bestIsMax, type MetricSummary } from './summary-rule.ts'
import { rowId } from './rows.ts'

export interface MetricPoint {
  step: number
  name: string
  value: number
  /** milliseconds since the epoch; now if left out */
  wallTime?: number
}

export interface AppendResult {
  inserted: number
  /** values that were NaN or infinite: SQLite cannot store NaN, and none of these are measurements */
  skipped: number
}

export interface SeriesOptions {
  /** at most this many points (>= 2); 1000 if left out */
  maxPoints?: number
  /** only points after this step, for live updates */
  afterStep?: number
  /** each point with its wall time (charts with a time axis) */
  withTime?: boolean
}

type StepValue = [step: number, value: number, wallTime: number]

export interface SeriesPoint {
  step: number
  value: number
  /** milliseconds since the epoch, when asked for with withTime */
  time?: number
}

export interface MetricSeries {
  name: string
  /** in step order */
  points: SeriesPoint[]
  /** points in the range before down-sampling */
  totalPoints: number
  downsampled: boolean
  /** the highest step in the range: pass it as afterStep next time */
  lastStep: number | null
}

interface SummaryRow {
  run_id: number
  name: string
  last: number
  last_step: number
  best: number
  min: number
  max: number
  count: number
}

/** A batch's running aggregate for one metric name. */
interface NameBatch {
  nameId: number
  name: string
  highestStep: number
  /** a step at or below one already seen: the batch rewrites history, so recompute */
  rewrites: boolean
  count: number
  min: number
  max: number
  last: number
}

export class Metrics {
  private readonly runExists: Statement
  private readonly nameIdOf: Statement<unknown[], unknown>
  private readonly insertName: Statement
  private readonly insertPoint: Statement
  private readonly lastStepOf: Statement<unknown[], unknown>
  private readonly mergeSummary: Statement
  private readonly deleteSummary: Statement
  private readonly recomputeSummary: Statement
  private readonly summaryRows: Statement<unknown[], SummaryRow>
  private readonly range: Statement<unknown[], unknown[]>
  private readonly rangeEnds: Statement<unknown[], unknown[]>
  private readonly rangeCount: Statement<unknown[], unknown>
  private readonly summaryCount: Statement<unknown[], unknown>
  private readonly lowestIn: Statement<unknown[], unknown[]>
  private readonly highestIn: Statement<unknown[], unknown[]>
  private readonly deleteAfter: Statement
  private readonly newestIn: Statement<unknown[], unknown>

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db
    this.runExists = db.prepare('SELECT 1 FROM runs WHERE id = ?')
    this.nameIdOf = db.prepare('SELECT id FROM metric_names WHERE name = ?').pluck()
    this.insertName = db.prepare('INSERT INTO metric_names (name) VALUES (?)')
    // A step logged again (a resumed run repeating steps) replaces the old value.
    this.insertPoint = db.prepare(`
      INSERT INTO metrics (run_id, name_id, step, value, wall_time) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (run_id, name_id, step) DO UPDATE SET value = excluded.value, wall_time = excluded.wall_time`)
    this.lastStepOf = db.prepare('SELECT last_step FROM run_summary WHERE run_id = ? AND name_id = ?').pluck()
    // Only for batches whose steps all come after the summary's last step.
    this.mergeSummary = db.prepare(`
      INSERT INTO run_summary (run_id, name_id, last, last_step, best, min, max, count)
      VALUES (@runId, @nameId, @last, @lastStep, @best, @min, @max, @count)
      ON CONFLICT (run_id, name_id) DO UPDATE SET
        last = excluded.last, last_step = excluded.last_step,
        best = CASE WHEN @higherIsBetter THEN max(best, excluded.best) ELSE min(best, excluded.best) END,
        min = min(min, excluded.min), max = max(max, excluded.max), count = count + excluded.count`)
    this.deleteSummary = db.prepare('DELETE FROM run_summary WHERE run_id = ? AND name_id = ?')
    this.recomputeSummary = db.prepare(`
      INSERT INTO run_summary (run_id, name_id, last, last_step, best, min, max, count)
      SELECT @runId, @nameId,
        (SELECT value FROM metrics WHERE run_id = @runId AND name_id = @nameId ORDER BY step DESC LIMIT 1),
        max(step), CASE WHEN @higherIsBetter THEN max(value) ELSE min(value) END, min(value), max(value), count(*)
      FROM metrics WHERE run_id = @runId AND name_id = @nameId
      HAVING count(*) > 0`)
    this.summaryRows = db.prepare(`
      SELECT s.run_id, n.name, s.last, s.last_step, s.best, s.min, s.max, s.count
      FROM run_summary s JOIN metric_names n ON n.id = s.name_id WHERE s.run_id = ? ORDER BY n.name`)
    this.range = db
      .prepare<unknown[], unknown[]>('SELECT step, value, wall_time FROM metrics WHERE run_id = ? AND name_id = ? AND step BETWEEN ? AND ? ORDER BY step')
      .raw()
    // each a seek on the key, not a scan
    this.rangeEnds = db
      .prepare<unknown[], unknown[]>(
        `
      SELECT (SELECT min(step) FROM metrics WHERE run_id = @runId AND name_id = @nameId AND step > @after),
             (SELECT max(step) FROM metrics WHERE run_id = @runId AND name_id = @nameId AND step > @after)`
      )
      .raw()
    this.rangeCount = db.prepare('SELECT count(*) FROM metrics WHERE run_id = ? AND name_id = ? AND step > ?').pluck()
    this.summaryCount = db.prepare('SELECT count FROM run_summary WHERE run_id = ? AND name_id = ?').pluck()
    // With a single min() or max(), SQLite takes the bare column (step) from that row.
    this.lowestIn = db
      .prepare<unknown[], unknown[]>('SELECT step, min(value), wall_time FROM metrics WHERE run_id = ? AND name_id = ? AND step BETWEEN ? AND ?')
      .raw()
    this.highestIn = db
      .prepare<unknown[], unknown[]>('SELECT step, max(value), wall_time FROM metrics WHERE run_id = ? AND name_id = ? AND step BETWEEN ? AND ?')
      .raw()
    this.deleteAfter = db.prepare('DELETE FROM metrics WHERE run_id = ? AND name_id = ? AND step > ?')
    // a backward seek on the key: reads only the rows it returns
    this.newestIn = db.prepare('SELECT value FROM metrics WHERE run_id = ? AND name_id = ? ORDER BY step DESC LIMIT ?').pluck()
  }

  /** Records a batch of points and updates the run's summary, all in one transaction. */
  append(runId: number, points: readonly MetricPoint[]): AppendResult {
    const valid = checkPoints(points)
    const now = this.ctx.now()
    return this.ctx.db.transaction(() => {
      if (!this.runExists.get(runId)) throw new NotFoundError('run', runId)
      const batches = new Map<string, NameBatch>()
      for (const point of valid) {
        let batch = batches.get(point.name)
        if (!batch) batches.set(point.name, (batch = this.startBatch(runId, point.name)))
        this.insertPoint.run(runId, batch.nameId, point.step, point.value, Math.round(point.wallTime ?? now))
        if (point.step <= batch.highestStep) batch.rewrites = true
        else {
          batch.highestStep = point.step
          batch.last = point.value
        }
        batch.count++
        if (point.value < batch.min) batch.min = point.value
        if (point.value > batch.max) batch.max = point.value
      }
      for (const batch of batches.values()) {
        const higherIsBetter = bestIsMax(batch.name) ? 1 : 0
        if (batch.rewrites) this.recompute(runId, batch.nameId, batch.name)
        else {
          this.mergeSummary.run({
            runId,
            nameId: batch.nameId,
            last: batch.last,
            lastStep: batch.highestStep,
            best: higherIsBetter ? batch.max : batch.min,
            min: batch.min,
            max: batch.max,
            count: batch.count,
            higherIsBetter
          })
        }
      }
      return { inserted: valid.length, skipped: points.length - valid.length }
    })()
  }

  /** The trainer's shape: one step's values by name (onMetrics, onEval). */
  appendStep(runId: number, step: number, values: Record<string, number>, wallTime?: number): AppendResult {
    return this.append(
      runId,
      Object.entries(values).map(([name, value]) => ({ step, name, value, wallTime }))
    )
  }

  /**
   * Deletes points after `step` (a run resuming from an earlier checkpoint
   * repeats those steps) and recomputes the affected summaries. Returns the count deleted.
   */
  truncateAfter(runId: number, step: number): number {
    return this.ctx.db.transaction(() => {
      let deleted = 0
      for (const row of this.summaryRows.all(runId)) {
        if (row.last_step <= step) continue
        const nameId = this.nameIdOf.get(row.name) as number
        deleted += this.deleteAfter.run(runId, nameId, step).changes
        this.recompute(runId, nameId, row.name)
      }
      return deleted
    })()
  }

  /** Per metric name: last, best, min, max, count (from run_summary). */
  summary(runId: number): Record<string, MetricSummary> {
    return Object.fromEntries(this.summaryRows.all(runId).map((row) => [row.name, toMetricSummary(row)]))
  }

  /** The values of one metric's newest `count` points of a run, newest first (e.g. the last 20 evaluations). */
  newest(runId: number, name: string, count: number): number[] {
    if (!Number.isInteger(count) || count < 1) throw new StoreInputError('count', `expected an integer >= 1, got ${count}`)
    const nameId = this.nameIdOf.get(name) as number | undefined
    return nameId === undefined ? [] : (this.newestIn.all(runId, nameId, count) as number[])
  }

  names(runId: number): string[] {
    return this.summaryRows.all(runId).map((row) => row.name)
  }

  /**
   * One metric of one run for a chart: at most maxPoints points in step order.
   * A longer range is cut into equal step buckets that each keep their lowest
   * and highest point (spikes survive); the first and last points are always kept.
   */
  series(runId: number, name: string, options: SeriesOptions = {}): MetricSeries {
    const maxPoints = options.maxPoints ?? 1000
    if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new StoreInputError('maxPoints', `expected an integer >= 2, got ${maxPoints}`)
    const after = options.afterStep ?? -1
    if (!Number.isFinite(after)) throw new StoreInputError('afterStep', `expected a step number, got ${after}`)
    // one snapshot: the writer may commit between these statements
    return this.ctx.db.transaction(() => {
      const nameId = this.nameIdOf.get(name) as number | undefined
      const [first, last] = nameId === undefined ? [null, null] : (this.rangeEnds.get({ runId, nameId, after }) as (number | null)[])
      if (nameId === undefined || first === null || last === null) return { name, points: [], totalPoints: 0, downsampled: false, lastStep: null }
      // the whole series' size is in its summary; only a tail needs counting
      const total = Number(options.afterStep === undefined ? this.summaryCount.get(runId, nameId) : this.rangeCount.get(runId, nameId, after))
      const buckets = Math.floor((maxPoints - 2) / 2)
      let rows: StepValue[]
      if (total <= maxPoints) rows = this.range.all(runId, nameId, first, last) as StepValue[]
      // a few rows per bucket: cheaper to read them than to ask SQLite twice per bucket
      else if (total <= 8 * maxPoints) rows = extremesOf(this.range.all(runId, nameId, first, last) as StepValue[], first, last, buckets)
      else rows = this.bucketExtremes(runId, nameId, first, last, buckets)
      return {
        name,
        points: rows.map(([step, value, time]) => (options.withTime ? { step, value, time } : { step, value })),
        totalPoints: total,
        downsampled: rows.length < total,
        lastStep: last
      }
    })()
  }

  /** The first and last points, and the lowest and highest point of each of `buckets` equal step ranges, in step order. */
  private bucketExtremes(runId: number, nameId: number, first: number, last: number, buckets: number): StepValue[] {
    const byStep = new Map<number, StepValue>()
    const keep = (row: unknown[] | undefined) => {
      if (row && row[0] !== null) byStep.set(row[0] as number, row as StepValue)
    }
    keep(this.lowestIn.get(runId, nameId, first, first))
    keep(this.lowestIn.get(runId, nameId, last, last))
    if (buckets > 0) {
      const width = bucketWidth(first, last, buckets)
      for (let low = first; low <= last; low += width) {
        keep(this.lowestIn.get(runId, nameId, low, low + width - 1))
        keep(this.highestIn.get(runId, nameId, low, low + width - 1))
      }
    }
    return [...byStep.values()].sort((a, b) => a[0] - b[0])
  }

  private startBatch(runId: number, name: string): NameBatch {
    const nameId = this.nameId(name)
    const lastStep = this.lastStepOf.get(runId, nameId) as number | undefined
    return { nameId, name, highestStep: lastStep ?? -Infinity, rewrites: false, count: 0, min: Infinity, max: -Infinity, last: NaN }
  }

  private recompute(runId: number, nameId: number, name: string): void {
    this.deleteSummary.run(runId, nameId)
    this.recomputeSummary.run({ runId, nameId, higherIsBetter: bestIsMax(name) ? 1 : 0 })
  }

  // Looked up per batch, never cached: a rolled-back batch would leave a cached id pointing nowhere.
  private nameId(name: string): number {
    const id = this.nameIdOf.get(name) as number | undefined
    return id ?? rowId(this.insertName.run(name).lastInsertRowid)
  }
}

function bucketWidth(first: number, last: number, buckets: number): number {
  return Math.ceil((last - first + 1) / buckets)
}

/** bucketExtremes over rows already read (step order), with the same buckets. */
function extremesOf(rows: StepValue[], first: number, last: number, buckets: number): StepValue[] {
  const kept = new Set<StepValue>([rows[0], rows[rows.length - 1]])
  if (buckets > 0) {
    const width = bucketWidth(first, last, buckets)
    const lowest: (StepValue | undefined)[] = []
    const highest: (StepValue | undefined)[] = []
    for (const row of rows) {
      const b = Math.floor((row[0] - first) / width)
      if (!lowest[b] || row[1] < lowest[b]![1]) lowest[b] = row
      if (!highest[b] || row[1] > highest[b]![1]) highest[b] = row
    }
    for (const row of [...lowest, ...highest]) if (row) kept.add(row)
  }
  return [...kept].sort((a, b) => a[0] - b[0])
}

function toMetricSummary(row: Omit<SummaryRow, 'run_id'>): MetricSummary {
  return {
    last: row.last,
    lastStep: row.last_step,
    best: row.best,
    bestIs: bestIsMax(row.name) ? 'max' : 'min',
    min: row.min,
    max: row.max,
    count: row.count
  }
}

/** Throws on malformed points (naming the index and field); drops NaN and infinite values. */
function checkPoints(points: readonly MetricPoint[]): MetricPoint[] {
  if (!Array.isArray(points)) throw new StoreInputError('points', 'expected an array of { step, name, value }')
  const valid: MetricPoint[] = []
  points.forEach((point, i) => {
    const where = `points[${i}]`
    if (typeof point !== 'object' || point === null) throw new StoreInputError(where, 'expected { step, name, value }')
    if (!Number.isSafeInteger(point.step) || point.step < 0) throw new StoreInputError(`${where}.step`, `expected an integer >= 0, got ${point.step}`)
    if (typeof point.name !== 'string' || !point.name || point.name.length > 200) {
      throw new StoreInputError(`${where}.name`, `expected a metric name of 1 to 200 characters, got ${JSON.stringify(point.name)}`)
    }
    if (typeof point.value !== 'number') throw new StoreInputError(`${where}.value`, `expected a number, got ${typeof point.value}`)
    if (point.wallTime !== undefined && !Number.isFinite(point.wallTime)) {
      throw new StoreInputError(`${where}.wallTime`, `expected milliseconds since the epoch, got ${point.wallTime}`)
    }
    if (Number.isFinite(point.value)) valid.push(point)
  })
  return valid
}
