// Run records: lookup, the listing with summaries (never reading metrics),
// start-up details, heartbeats and deletion. The queue and status changes
// live in queue.ts.
import type { Statement } from 'better-sqlite3'
import type { StoreContext } from './context.ts'
import { NotFoundError, StoreInputError } from './errors.ts'
import { RunLookup, toRunRecord, type RunRecord, type RunRow } from './run-record.ts'
import { isRunStatus, type RunStatus } from './run-status.ts'
import { bestIsMax } from './summary-rule.ts'

export interface MetricSummary {
  /** value at the highest step */
  last: number
  lastStep: number
  /** max or min by bestIsMax(name) */
  best: number
  bestIs: 'max' | 'min'
  min: number
  max: number
  count: number
}

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

export interface SummaryRow {
  run_id: number
  name: string
  last: number
  last_step: number
  best: number
  min: number
  max: number
  count: number
}

const FILTER_SQL = `
  FROM runs r LEFT JOIN experiments e ON e.id = r.experiment_id
  WHERE (@ids IS NULL OR r.id IN (SELECT value FROM json_each(@ids)))
    AND (@anyExperiment OR r.experiment_id IS @experimentId)
    AND (@statuses IS NULL OR r.status IN (SELECT value FROM json_each(@statuses)))
    AND (@tag IS NULL OR EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.tag = @tag))
    AND (@configHash IS NULL OR r.config_hash = @configHash)
    AND (@search IS NULL
      OR CAST(r.id AS TEXT) = @searchExact
      OR r.variant LIKE @search ESCAPE '\\' OR r.status LIKE @search ESCAPE '\\'
      OR r.config LIKE @search ESCAPE '\\' OR r.error LIKE @search ESCAPE '\\'
      OR r.backend LIKE @search ESCAPE '\\' OR e.name LIKE @search ESCAPE '\\'
      OR EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.tag LIKE @search ESCAPE '\\')
      OR EXISTS (SELECT 1 FROM notes n WHERE n.run_id = r.id AND n.text LIKE @search ESCAPE '\\'))`

// SQLite packs each run's summaries, tags and note into JSON columns: one row
// per run crosses into JavaScript instead of one per metric.
const LIST_SQL = `
  SELECT r.*, e.name AS experiment_name,
    (SELECT json_group_object(n.name, json_array(s.last, s.last_step, s.best, s.min, s.max, s.count))
      FROM run_summary s JOIN metric_names n ON n.id = s.name_id WHERE s.run_id = r.id) AS summary_json,
    (SELECT json_group_array(tag) FROM (SELECT tag FROM tags t WHERE t.run_id = r.id ORDER BY tag)) AS tags_json,
    (SELECT text FROM notes o WHERE o.run_id = r.id) AS note
  ${FILTER_SQL}`

type ListRow = RunRow & { experiment_name: string | null; summary_json: string | null; tags_json: string; note: string | null }
type PackedSummary = [last: number, lastStep: number, best: number, min: number, max: number, count: number]

export class Runs {
  private readonly lookup: RunLookup
  private readonly listRows: Statement<ListRow>
  private readonly listRowsOldest: Statement<ListRow>
  private readonly countRows: Statement<unknown>
  private readonly updateInfo: Statement
  private readonly updateProgress: Statement
  private readonly updateExperiment: Statement
  private readonly experimentExists: Statement
  private readonly checkpointPaths: Statement<unknown>
  private readonly deleteRow: Statement

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db
    this.lookup = new RunLookup(db)
    this.listRows = db.prepare(`${LIST_SQL} ORDER BY r.created_at DESC, r.id DESC LIMIT @limit OFFSET @offset`)
    this.listRowsOldest = db.prepare(`${LIST_SQL} ORDER BY r.created_at, r.id LIMIT @limit OFFSET @offset`)
    this.countRows = db.prepare(`SELECT count(*) ${FILTER_SQL}`).pluck()
    this.updateInfo = db.prepare(`
      UPDATE runs SET split_hash = coalesce(@splitHash, split_hash), backend = coalesce(@backend, backend),
        device = coalesce(@device, device), app_version = coalesce(@appVersion, app_version),
        library_versions = coalesce(@libraryVersions, library_versions), os = coalesce(@os, os)
      WHERE id = @id`)
    this.updateProgress = db.prepare('UPDATE runs SET step = ?, train_seconds = ?, last_heartbeat_at = ? WHERE id = ?')
    this.updateExperiment = db.prepare('UPDATE runs SET experiment_id = ? WHERE id = ?')
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

  /** Runs with their tags, notes and metric summaries: reads runs, run_summary, tags and notes, never metrics. */
  list(filter: RunFilter = {}): RunListItem[] {
    const params = { ...filterParams(filter), limit: filter.limit ?? -1, offset: filter.offset ?? 0 }
    const rows = (filter.order === 'oldest' ? this.listRowsOldest : this.listRows).all(params)
    return rows.map((row) => ({
      ...toRunRecord(row),
      experimentName: row.experiment_name,
      tags: JSON.parse(row.tags_json) as string[],
      note: row.note,
      summary: unpackSummaries(row.summary_json)
    }))
  }

  /** How many runs match (limit and offset ignored), for paging. */
  count(filter: RunFilter = {}): number {
    return Number(this.countRows.get(filterParams(filter)))
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

function unpackSummaries(json: string | null): Record<string, MetricSummary> {
  const out: Record<string, MetricSummary> = {}
  if (json === null) return out
  for (const [name, [last, lastStep, best, min, max, count]] of Object.entries(JSON.parse(json) as Record<string, PackedSummary>)) {
    out[name] = { last, lastStep, best, bestIs: bestIsMax(name) ? 'max' : 'min', min, max, count }
  }
  return out
}

export function toMetricSummary(row: Omit<SummaryRow, 'run_id'>): MetricSummary {
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

function filterParams(filter: RunFilter): Record<string, unknown> {
  const statuses = filter.status === undefined ? undefined : Array.isArray(filter.status) ? filter.status : [filter.status]
  for (const status of statuses ?? []) {
    if (!isRunStatus(status)) throw new StoreInputError('status', `unknown run status "${String(status)}"`)
  }
  const search = filter.search?.trim() || undefined
  if (filter.ids !== undefined && !(Array.isArray(filter.ids) && filter.ids.every(Number.isInteger))) {
    throw new StoreInputError('ids', 'expected an array of run ids')
  }
  return {
    ids: filter.ids === undefined ? null : JSON.stringify(filter.ids),
    anyExperiment: filter.experimentId === undefined ? 1 : 0,
    experimentId: filter.experimentId ?? null,
    statuses: statuses ? JSON.stringify(statuses) : null,
    tag: filter.tag ?? null,
    configHash: filter.configHash ?? null,
    search: search === undefined ? null : `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    searchExact: search?.replace(/^#/, '') ?? null
  }
}
