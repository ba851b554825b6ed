// Run records: lookup, the listing with summaries (never reading metrics),
// start-up details, heartbeats and deletion. The queue and status changes
// live in queue.ts.
import type { Statement } from 'better-sqlite3'
import type { StoreContext } from './context.ts'
import { NotFoundError, StoreInputError } from './errors.ts'
import { RUN_COLUMN_COUNT, RUN_SELECT, RunLookup, toRunRecord, type RunRecord } from './run-record.ts'
import { isRunStatus, type RunStatus } from './run-status.ts'
import { bestIsMax, type MetricSummary } from './summary-rule.ts'

export interface RunListItem extends RunRecord {
  experimentName: string | null
  tags: string[]
  note: string | null
  summary: Record<string, MetricSummary>
}

export interface RunFilter {
  /** only these runs (e.g. one run with its summary: list({ ids: [id] })[0]) */
  ids?: number[]
  /** a number: that experiment's runs; null: runs in no experiment */
  experimentId?: number | null
  status?: RunStatus | RunStatus[]
  /** case-insensitive text in the id, variant, status, config, error, backend, experiment name, tags or note */
  search?: string
  tag?: string
  configHash?: string
  limit?: number
  offset?: number
  /** by creation time; newest first unless 'oldest' */
  order?: 'newest' | 'oldest'
}

/** What the trainer reports once it has started. */
export interface RunStartInfo {
  splitHash?: string
  backend?: string
  device?: string
  appVersion?: string
  libraryVersions?: Record<string, string>
  os?: string
}

// Only the clauses of the filters given: an always-present "(@x IS NULL OR ...)"
// costs the unfiltered listing (the common one) a third of its time.
const FILTER_CLAUSES: Record<string, string> = {
  ids: 'r.id IN (SELECT value FROM json_each(@ids))',
  experimentId: 'r.experiment_id IS @experimentId',
  statuses: 'r.status IN (SELECT value FROM json_each(@statuses))',
  tag: 'EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.tag = @tag)',
  configHash: 'r.config_hash = @configHash',
  search: `(CAST(r.id AS TEXT) = @searchExact
      OR r.variant LIKE @search ESCAPE '\\' OR r.status LIKE @search ESCAPE '\\'
      OR r.config LIKE @search ESCAPE '\\' OR r.error LIKE @search ESCAPE '\\'
      OR r.backend LIKE @search ESCAPE '\\' OR e.name LIKE @search ESCAPE '\\'
      OR EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.tag LIKE @search ESCAPE '\\')
      OR EXISTS (SELECT 1 FROM notes n WHERE n.run_id = r.id AND n.text LIKE @search ESCAPE '\\'))`
}

// Tags and note come packed by SQLite as extra columns after the run's own.
const LIST_COLUMNS = `
  SELECT ${RUN_SELECT}, e.name,
    (SELECT json_group_array(tag) FROM (SELECT tag FROM tags t WHERE t.run_id = r.id ORDER BY tag)),
    (SELECT text FROM notes o WHERE o.run_id = r.id)`

export class Runs {
  private readonly lookup: RunLookup
  /** prepared once per filter shape (which filters are set, order, count or rows) */
  private readonly filtered = new Map<string, Statement<unknown[], unknown>>()
  private readonly summaries: Statement<unknown[], unknown[]>
  private readonly metricNames: Statement<unknown[], unknown[]>
  private readonly updateInfo: Statement
  private readonly updateProgress: Statement
  private readonly updateExperiment: Statement
  private readonly updateJobId: Statement
  private readonly idleWithJob: Statement<unknown[], unknown[]>
  private readonly experimentExists: Statement
  private readonly checkpointPaths: Statement<unknown[], unknown>
  private readonly deleteRow: Statement

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db
    this.lookup = new RunLookup(db)
    // name ids are mapped in JavaScript: metric_names has a few dozen rows, run_summary thousands
    this.summaries = db
      .prepare<unknown[], unknown[]>(
        'SELECT run_id, name_id, last, last_step, best, min, max, count FROM run_summary WHERE run_id IN (SELECT value FROM json_each(?))'
      )
      .raw()
    this.metricNames = db.prepare<unknown[], unknown[]>('SELECT id, name FROM metric_names').raw()
    this.updateInfo = db.prepare(`
      UPDATE runs SET split_hash = coalesce(@splitHash, split_hash), backend = coalesce(@backend, backend),
        device = coalesce(@device, device), app_version = coalesce(@appVersion, app_version),
        library_versions = coalesce(@libraryVersions, library_versions), os = coalesce(@os, os)
      WHERE id = @id`)
    this.updateProgress = db.prepare('UPDATE runs SET step = ?, train_seconds = ?, last_heartbeat_at = ? WHERE id = ?')
    this.updateExperiment = db.prepare('UPDATE runs SET experiment_id = ? WHERE id = ?')
    this.updateJobId = db.prepare('UPDATE runs SET slurm_job_id = ? WHERE id = ?')
    this.idleWithJob = db
      .prepare<unknown[], unknown[]>(`SELECT ${RUN_SELECT} FROM runs r WHERE r.slurm_job_id IS NOT NULL AND r.status != 'running' ORDER BY r.id`)
      .raw()
    this.experimentExists = db.prepare('SELECT 1 FROM experiments WHERE id = ?')
    this.checkpointPaths = db.prepare('SELECT path FROM checkpoints WHERE run_id = ? ORDER BY step').pluck()
    this.deleteRow = db.prepare('DELETE FROM runs WHERE id = ?')
  }

  get(id: number): RunRecord | undefined {
    return this.lookup.get(id)
  }

  require(id: number): RunRecord {
    return this.lookup.require(id)
  }

  /** The runs not running that have a Slurm job id: their jobs should have ended (an orphan is scancelled at start-up). */
  notRunningWithSlurmJob(): RunRecord[] {
    return this.idleWithJob.all().map((row) => toRunRecord(row))
  }

  /** Records the Slurm job a slurm run trains in now (each resume is a new job). */
  setSlurmJobId(id: number, jobId: string): void {
    if (this.updateJobId.run(jobId, id).changes === 0) throw new NotFoundError('run', id)
  }

  /** Runs with their tags, notes and metric summaries: reads runs, run_summary, tags and notes, never metrics. */
  list(filter: RunFilter = {}): RunListItem[] {
    // one snapshot, so runs and summaries agree while the writer commits
    return this.ctx.db.transaction(() => this.listIn(filter))()
  }

  private listIn(filter: RunFilter): RunListItem[] {
    const params = filterParams(filter)
    const statement = this.statement(params, filter.order === 'oldest' ? 'oldest' : 'newest')
    const rows = statement.raw().all({ ...params, limit: filter.limit ?? -1, offset: filter.offset ?? 0 }) as unknown[][]
    const items = new Map<number, RunListItem>()
    for (const row of rows) {
      const item = toRunRecord(row) as RunListItem
      item.experimentName = row[RUN_COLUMN_COUNT] as string | null
      item.tags = JSON.parse(row[RUN_COLUMN_COUNT + 1] as string) as string[]
      item.note = row[RUN_COLUMN_COUNT + 2] as string | null
      item.summary = {}
      items.set(item.id, item)
    }
    if (items.size === 0) return []
    const names = new Map<number, { name: string; bestIs: 'max' | 'min' }>()
    for (const [id, name] of this.metricNames.all() as [number, string][]) names.set(id, { name, bestIs: bestIsMax(name) ? 'max' : 'min' })
    // raw arrays: a thousand runs have ten thousand summary rows, and row objects cost twice as much
    for (const row of this.summaries.all(JSON.stringify([...items.keys()]))) {
      const [runId, nameId, last, lastStep, best, min, max, count] = row as [number, number, number, number, number, number, number, number]
      const { name, bestIs } = names.get(nameId)!
      items.get(runId)!.summary[name] = { last, lastStep, best, bestIs, min, max, count }
    }
    return [...items.values()]
  }

  /** How many runs match (limit and offset ignored), for paging. */
  count(filter: RunFilter = {}): number {
    const params = filterParams(filter)
    return Number(this.statement(params, 'count').pluck().get(params))
  }

  private statement(params: Record<string, unknown>, shape: 'newest' | 'oldest' | 'count'): Statement<unknown[], unknown> {
    const used = Object.keys(FILTER_CLAUSES).filter((key) => key in params)
    const key = `${shape}:${used.join(',')}`
    let statement = this.filtered.get(key)
    if (!statement) {
      const where = used.length ? `WHERE ${used.map((k) => FILTER_CLAUSES[k]).join(' AND ')}` : ''
      const from = `FROM runs r LEFT JOIN experiments e ON e.id = r.experiment_id ${where}`
      const order = shape === 'oldest' ? 'r.created_at, r.id' : 'r.created_at DESC, r.id DESC'
      const sql = shape === 'count' ? `SELECT count(*) ${from}` : `${LIST_COLUMNS} ${from} ORDER BY ${order} LIMIT @limit OFFSET @offset`
      statement = this.ctx.db.prepare(sql)
      this.filtered.set(key, statement)
    }
    return statement
  }

  setStartInfo(id: number, info: RunStartInfo): RunRecord {
    this.require(id)
    this.updateInfo.run({
      id,
      splitHash: info.splitHash ?? null,
      backend: info.backend ?? null,
      device: info.device ?? null,
      appVersion: info.appVersion ?? null,
      libraryVersions: info.libraryVersions === undefined ? null : JSON.stringify(info.libraryVersions),
      os: info.os ?? null
    })
    return this.require(id)
  }

  /** The trainer is alive at this step, with this much training time (pauses excluded). */
  heartbeat(id: number, progress: { step: number; trainSeconds: number }): void {
    if (!Number.isInteger(progress.step) || progress.step < 0) throw new StoreInputError('step', `expected an integer >= 0, got ${progress.step}`)
    if (!Number.isFinite(progress.trainSeconds) || progress.trainSeconds < 0) {
      throw new StoreInputError('trainSeconds', `expected a number >= 0, got ${progress.trainSeconds}`)
    }
    if (this.updateProgress.run(progress.step, progress.trainSeconds, this.ctx.now(), id).changes === 0) throw new NotFoundError('run', id)
  }

  setExperiment(id: number, experimentId: number | null): RunRecord {
    this.require(id)
    if (experimentId !== null && !this.experimentExists.get(experimentId)) throw new NotFoundError('experiment', experimentId)
    this.updateExperiment.run(experimentId, id)
    return this.require(id)
  }

  /**
   * Deletes a run and everything recorded for it. Returns its checkpoint files,
   * which the caller deletes from disk. A running run must be stopped first.
   */
  delete(id: number): { checkpointPaths: string[] } {
    return this.ctx.db.transaction(() => {
      const run = this.require(id)
      if (run.status === 'running') throw new StoreInputError('id', `run ${id} is running: stop it before deleting it`)
      const checkpointPaths = this.checkpointPaths.all(id) as string[]
      this.deleteRow.run(id)
      return { checkpointPaths }
    })()
  }
}

/** Named parameters of the filters that are set; their keys pick the WHERE clauses. */
function filterParams(filter: RunFilter): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  if (filter.ids !== undefined) {
    if (!(Array.isArray(filter.ids) && filter.ids.every(Number.isInteger))) throw new StoreInputError('ids', 'expected an array of run ids')
    params.ids = JSON.stringify(filter.ids)
  }
  if (filter.experimentId !== undefined) params.experimentId = filter.experimentId
  if (filter.status !== undefined) {
    const statuses = Array.isArray(filter.status) ? filter.status : [filter.status]
    for (const status of statuses) if (!isRunStatus(status)) throw new StoreInputError('status', `unknown run status "${String(status)}"`)
    params.statuses = JSON.stringify(statuses)
  }
  if (filter.tag !== undefined) params.tag = filter.tag
  if (filter.configHash !== undefined) params.configHash = filter.configHash
  const search = filter.search?.trim()
  if (search) {
    params.search = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    params.searchExact = search.replace(/^#/, '')
  }
  return params
}
