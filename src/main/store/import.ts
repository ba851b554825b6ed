// A run exported from another install comes in with new ids and the same
// content. The file is outside input: every field is checked and a bad one
// is named. Checkpoint records are not imported (their files stayed behind).
import type { Statement } from 'better-sqlite3'
import { ConfigError, resolveConfig, type RunConfig } from '../../shared/config.ts'
import type { StoreContext } from './context.ts'
import { StoreInputError } from './errors.ts'
import type { Experiments } from './experiments.ts'
import type { Annotations } from './annotations.ts'
import { EVENT_LEVELS, type Events, type EventLevel } from './events.ts'
import type { Metrics, MetricPoint } from './metrics.ts'
import { configHash, RunLookup, type RunRecord } from './run-record.ts'
import { QUEUE_STATUSES, isRunStatus, type RunStatus } from './run-status.ts'
import { RUN_EXPORT_FORMAT } from './export.ts'
import { rowId } from './rows.ts'

export interface ImportOptions {
  /** a number: into that experiment; null: into none; left out: the experiment of the same name, created if missing */
  experimentId?: number | null
}

type Json = Record<string, unknown>

export class RunImporter {
  private readonly lookup: RunLookup
  private readonly insert: Statement
  private readonly lastPosition: Statement<unknown>

  constructor(
    private readonly ctx: StoreContext,
    private readonly parts: { experiments: Experiments; annotations: Annotations; events: Events; metrics: Metrics }
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
    const doc = object(data, 'export')
    if (doc.format !== RUN_EXPORT_FORMAT) {
      throw new StoreInputError('format', `expected "${RUN_EXPORT_FORMAT}" (a run exported by FixMatch Lab), got ${JSON.stringify(doc.format)}`)
    }
    const run = object(doc.run, 'run')
    const config = runConfig(run.config)
    const exportedStatus = run.status
    if (!isRunStatus(exportedStatus)) throw new StoreInputError('run.status', `unknown run status ${JSON.stringify(exportedStatus)}`)
    // It cannot be running here: it comes in interrupted, to be resumed or restarted.
    const status: RunStatus = exportedStatus === 'running' ? 'interrupted' : exportedStatus
    // a run's length is its config's steps (as queue.enqueue records it), and it is never past it
    const totalSteps = count(run.totalSteps, 'run.totalSteps')
    if (totalSteps !== config.steps) throw new StoreInputError('run.totalSteps', `${totalSteps} differs from its config's steps (${config.steps})`)
    const step = count(run.step, 'run.step')
    if (step > totalSteps) throw new StoreInputError('run.step', `${step} is past the run's ${totalSteps} steps`)
    const points = metricPoints(doc.metrics, totalSteps)
    const events = eventList(doc.events)
    const tags = stringList(doc.tags, 'tags')
    const note = doc.note === null || doc.note === undefined ? null : text(doc.note, 'note')

    return this.ctx.db.transaction(() => {
      const experimentId = this.experimentFor(doc.experiment, options)
      const lastPosition = this.lastPosition.get() as number | null
      const result = this.insert.run({
        experimentId,
        config: JSON.stringify(config),
        configHash: configHash(config),
        variant: config.variant,
        seed: config.seed,
        splitHash: optionalText(run.splitHash, 'run.splitHash'),
        status,
        position: QUEUE_STATUSES.includes(status) ? (lastPosition ?? 0) + 1 : null,
        createdAt: count(run.createdAt, 'run.createdAt'),
        startedAt: optionalCount(run.startedAt, 'run.startedAt'),
        finishedAt: optionalCount(run.finishedAt, 'run.finishedAt'),
        trainSeconds: seconds(run.trainSeconds, 'run.trainSeconds'),
        step,
        totalSteps,
        backend: optionalText(run.backend, 'run.backend'),
        device: optionalText(run.device, 'run.device'),
        appVersion: optionalText(run.appVersion, 'run.appVersion'),
        libraryVersions: JSON.stringify(object(run.libraryVersions ?? {}, 'run.libraryVersions')),
        os: optionalText(run.os, 'run.os'),
        error: optionalText(run.error, 'run.error'),
        lastHeartbeatAt: optionalCount(run.lastHeartbeatAt, 'run.lastHeartbeatAt')
      })
      const runId = rowId(result.lastInsertRowid)
      if (points.length) this.parts.metrics.append(runId, points)
      if (events.length) this.parts.events.logMany(events.map((e) => ({ ...e, runId })))
      for (const tag of tags) this.parts.annotations.addTag(runId, tag)
      if (note) this.parts.annotations.setNote({ runId }, note)
      return this.lookup.require(runId)
    })()
  }

  private experimentFor(value: unknown, options: ImportOptions): number | null {
    if (options.experimentId !== undefined) {
      if (options.experimentId !== null) this.parts.experiments.require(options.experimentId)
      return options.experimentId
    }
    if (value === null || value === undefined) return null
    const experiment = object(value, 'experiment')
    const name = text(experiment.name, 'experiment.name')
    const found = this.parts.experiments.findByName(name)
    if (found) return found.id
    return this.parts.experiments.create({
      name,
      description: experiment.description === undefined ? '' : text(experiment.description, 'experiment.description'),
      preset: optionalText(experiment.preset, 'experiment.preset'),
      baseConfig: experiment.baseConfig === null || experiment.baseConfig === undefined ? null : object(experiment.baseConfig, 'experiment.baseConfig')
    }).id
  }
}

/** The run's config, every field checked; a bad one is named under run.config. */
function runConfig(value: unknown): RunConfig {
  try {
    return resolveConfig(object(value, 'run.config'))
  } catch (error) {
    if (error instanceof ConfigError) throw new StoreInputError(error.key ? `run.config.${error.key}` : 'run.config', error.message)
    throw error
  }
}

function metricPoints(value: unknown, totalSteps: number): MetricPoint[] {
  const metrics = object(value ?? {}, 'metrics')
  const points: MetricPoint[] = []
  for (const [name, columnsValue] of Object.entries(metrics)) {
    const where = `metrics[${JSON.stringify(name)}]`
    const columns = object(columnsValue, where)
    const steps = numberList(columns.steps, `${where}.steps`)
    const outside = steps.findIndex((step) => !Number.isSafeInteger(step) || step < 0 || step > totalSteps)
    if (outside >= 0) throw new StoreInputError(`${where}.steps[${outside}]`, `expected a step from 0 to ${totalSteps}, got ${steps[outside]}`)
    const values = numberList(columns.values, `${where}.values`)
    const wallTimes = numberList(columns.wallTimes, `${where}.wallTimes`)
    if (values.length !== steps.length || wallTimes.length !== steps.length) {
      throw new StoreInputError(where, `steps, values and wallTimes differ in length (${steps.length}, ${values.length}, ${wallTimes.length})`)
    }
    steps.forEach((step, i) => points.push({ step, name, value: values[i], wallTime: wallTimes[i] }))
  }
  return points
}

function eventList(value: unknown): { time: number; level: EventLevel; kind: string; message: string; data: unknown }[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new StoreInputError('events', 'expected an array')
  return value.map((entry, i) => {
    const event = object(entry, `events[${i}]`)
    if (!EVENT_LEVELS.includes(event.level as EventLevel)) throw new StoreInputError(`events[${i}].level`, `expected one of ${EVENT_LEVELS.join(', ')}`)
    return {
      time: count(event.time, `events[${i}].time`),
      level: event.level as EventLevel,
      kind: text(event.kind, `events[${i}].kind`),
      message: text(event.message, `events[${i}].message`),
      data: event.data ?? undefined
    }
  })
}

function object(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StoreInputError(field, 'expected an object')
  return value as Json
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new StoreInputError(field, `expected a string, got ${JSON.stringify(value)}`)
  return value
}

function optionalText(value: unknown, field: string): string | null {
  return value === null || value === undefined ? null : text(value, field)
}

/** A duration: a finite number of seconds, not negative. */
function seconds(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new StoreInputError(field, `expected a number of seconds >= 0, got ${JSON.stringify(value)}`)
  return value
}

/** A step, a count or a time in milliseconds since the epoch: an integer >= 0. */
function count(value: unknown, field: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new StoreInputError(field, `expected an integer >= 0, got ${JSON.stringify(value)}`)
  return value as number
}

function optionalCount(value: unknown, field: string): number | null {
  return value === null || value === undefined ? null : count(value, field)
}

function numberList(value: unknown, field: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) throw new StoreInputError(field, 'expected an array of numbers')
  return value
}

function stringList(value: unknown, field: string): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new StoreInputError(field, 'expected an array of strings')
  return value
}
