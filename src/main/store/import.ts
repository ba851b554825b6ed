// A run exported from another install comes in with new ids and the same
// content. The file is outside input: it is parsed by its schema
// (import-format.ts), a bad field named. Checkpoint records are not imported
// (their files stayed behind).
import type { Statement } from 'better-sqlite3'
import { ConfigError, resolveConfig, type RunConfig } from '../../shared/config.ts'
import type { StoreContext } from './context.ts'
import { StoreInputError } from './errors.ts'
import type { Experiments } from './experiments.ts'
import type { Annotations } from './annotations.ts'
import type { Events } from './events.ts'
import type { Diagnostics } from './diagnostics.ts'
import type { Metrics, MetricPoint } from './metrics.ts'
import { configHash, RunLookup, type RunRecord } from './run-record.ts'
import { QUEUE_STATUSES, type RunStatus } from './run-status.ts'
import { parseExport, type RunExportInput } from './import-format.ts'
import { rowId } from './rows.ts'

export interface ImportOptions {
  /** a number: into that experiment; null: into none; left out: the experiment of the same name, created if missing */
  experimentId?: number | null
}

export class RunImporter {
  private readonly lookup: RunLookup
  private readonly insert: Statement
  private readonly lastPosition: Statement<unknown[], unknown>

  constructor(
    private readonly ctx: StoreContext,
    private readonly parts: { experiments: Experiments; annotations: Annotations; events: Events; metrics: Metrics; diagnostics: Diagnostics }
  ) {
    const db = ctx.db
    this.lookup = new RunLookup(db)
    this.insert = db.prepare(`
      INSERT INTO runs (experiment_id, config, config_hash, variant, seed, split_hash, status, queue_position, created_at, started_at,
        finished_at, train_seconds, step, total_steps, backend, device, app_version, library_versions, os, error, last_heartbeat_at)
      VALUES (@experimentId, @config, @configHash, @variant, @seed, @splitHash, @status, @position, @createdAt, @startedAt,
        @finishedAt, @trainSeconds, @step, @totalSteps, @backend, @device, @appVersion, @libraryVersions, @os, @error, @lastHeartbeatAt)`)
    this.lastPosition = db.prepare('SELECT max(queue_position) FROM runs').pluck()
  }

  importRun(data: unknown, options: ImportOptions = {}): RunRecord {
    const doc = parseExport(data)
    const { run } = doc
    const config = runConfig(run.config)
    // It cannot be running here: it comes in interrupted, to be resumed or restarted.
    const status: RunStatus = run.status === 'running' ? 'interrupted' : run.status
    // a run's length is its config's steps (as queue.enqueue records it), and it is never past it
    const { totalSteps, step } = run
    if (totalSteps !== config.steps) throw new StoreInputError('run.totalSteps', `${totalSteps} differs from its config's steps (${config.steps})`)
    if (step > totalSteps) throw new StoreInputError('run.step', `${step} is past the run's ${totalSteps} steps`)
    const points = metricPoints(doc.metrics, totalSteps)
    const { events, tags, note, diagnostics } = doc
    const pastEnd = diagnostics.findIndex((record) => record.step > totalSteps)
    if (pastEnd >= 0) throw new StoreInputError(`diagnostics.${pastEnd}.step`, `expected a step from 0 to ${totalSteps}, got ${diagnostics[pastEnd].step}`)

    return this.ctx.db.transaction(() => {
      const experimentId = this.experimentFor(doc.experiment, options)
      const lastPosition = this.lastPosition.get() as number | null
      const result = this.insert.run({
        experimentId,
        config: JSON.stringify(config),
        configHash: configHash(config),
        variant: config.variant,
        seed: config.seed,
        splitHash: run.splitHash ?? null,
        status,
        position: QUEUE_STATUSES.includes(status) ? (lastPosition ?? 0) + 1 : null,
        createdAt: run.createdAt,
        startedAt: run.startedAt ?? null,
        finishedAt: run.finishedAt ?? null,
        trainSeconds: run.trainSeconds,
        step,
        totalSteps,
        backend: run.backend ?? null,
        device: run.device ?? null,
        appVersion: run.appVersion ?? null,
        libraryVersions: JSON.stringify(run.libraryVersions ?? {}),
        os: run.os ?? null,
        error: run.error ?? null,
        lastHeartbeatAt: run.lastHeartbeatAt ?? null
      })
      const runId = rowId(result.lastInsertRowid)
      if (points.length) this.parts.metrics.append(runId, points)
      if (events.length) this.parts.events.logMany(events.map((e) => ({ ...e, data: e.data ?? undefined, runId })))
      diagnostics.forEach((record, i) => {
        try {
          this.parts.diagnostics.record(runId, record)
        } catch (error) {
          // the store names the field inside the record: name the record too
          if (error instanceof StoreInputError) throw new StoreInputError(`diagnostics.${i}.${error.field}`, error.message.slice(error.field.length + 2))
          throw error
        }
      })
      for (const tag of tags) this.parts.annotations.addTag(runId, tag)
      if (note) this.parts.annotations.setNote({ runId }, note)
      return this.lookup.require(runId)
    })()
  }

  private experimentFor(experiment: RunExportInput['experiment'], options: ImportOptions): number | null {
    if (options.experimentId !== undefined) {
      if (options.experimentId !== null) this.parts.experiments.require(options.experimentId)
      return options.experimentId
    }
    if (!experiment) return null
    const found = this.parts.experiments.findByName(experiment.name)
    if (found) return found.id
    return this.parts.experiments.create({
      name: experiment.name,
      description: experiment.description ?? '',
      preset: experiment.preset ?? null,
      baseConfig: experiment.baseConfig ?? null
    }).id
  }
}

/** The run's config: its keys checked by the schema, the defaults filled in and the cross-field rules applied. */
function runConfig(config: Record<string, unknown>): RunConfig {
  try {
    return resolveConfig(config)
  } catch (error) {
    if (error instanceof ConfigError) throw new StoreInputError(error.key ? `run.config.${error.key}` : 'run.config', error.message)
    throw error
  }
}

function metricPoints(metrics: RunExportInput['metrics'], totalSteps: number): MetricPoint[] {
  const points: MetricPoint[] = []
  for (const [name, { steps, values, wallTimes }] of Object.entries(metrics ?? {})) {
    const where = `metrics.${name}`
    const outside = steps.findIndex((step) => !Number.isSafeInteger(step) || step < 0 || step > totalSteps)
    if (outside >= 0) throw new StoreInputError(`${where}.steps.${outside}`, `expected a step from 0 to ${totalSteps}, got ${steps[outside]}`)
    if (values.length !== steps.length || wallTimes.length !== steps.length) {
      throw new StoreInputError(where, `steps, values and wallTimes differ in length (${steps.length}, ${values.length}, ${wallTimes.length})`)
    }
    steps.forEach((step, i) => points.push({ step, name, value: values[i], wallTime: wallTimes[i] }))
  }
  return points
}
