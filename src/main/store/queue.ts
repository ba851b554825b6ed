// The work queue and each run's status. queue_position orders every run that
// is queued, paused or interrupted (one ordering, reorderable); nextQueued
// takes the first that is 'queued'. Status changes are checked against
// TRANSITIONS and keep positions and timestamps consistent.
import type { Statement } from 'better-sqlite3'
import { resolveConfig, type RunConfig } from '../../shared/config.ts'
import type { StoreContext } from './context.ts'
import { InvalidTransitionError, NotFoundError, StoreInputError } from './errors.ts'
import { configHash, RUN_SELECT, RunLookup, toRunRecord, type RunRecord } from './run-record.ts'
import { FINAL_STATUSES, QUEUE_STATUSES, TRANSITIONS, isRunStatus, type RunStatus } from './run-status.ts'
import { rowId } from './rows.ts'
import { EXECUTORS, type Executor } from '../../shared/executor.ts'
import type { SlurmJobOptions } from '../../shared/slurm.ts'

export interface NewRun {
  /** a full or partial config; resolved over the defaults and checked */
  config: RunConfig | Record<string, unknown>
  experimentId?: number | null
  splitHash?: string | null
  /** where in the queue; the end unless 'top' */
  at?: 'top' | 'bottom'
  /** where it trains (default local); slurm runs keep their job options */
  executor?: Executor
  slurm?: SlurmJobOptions | null
}

export interface StatusDetails {
  /** why it failed, was cancelled or interrupted (cleared when it runs or is queued again) */
  error?: string | null
  step?: number
  trainSeconds?: number
}

export type QueueMove = 'up' | 'down' | 'top' | 'bottom'

export class Queue {
  private readonly lookup: RunLookup
  private readonly insert: Statement
  private readonly experimentExists: Statement
  private readonly firstPosition: Statement<unknown[], unknown>
  private readonly lastPosition: Statement<unknown[], unknown>
  private readonly previous: Statement<unknown[], { id: number; queue_position: number }>
  private readonly following: Statement<unknown[], { id: number; queue_position: number }>
  private readonly setPosition: Statement
  private readonly next: Statement<unknown[], unknown[]>
  private readonly queued: Statement<unknown[], unknown[]>
  private readonly running: Statement<unknown[], unknown[]>
  private readonly updateStatus: Statement
  private readonly copyTags: Statement

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db
    this.lookup = new RunLookup(db)
    this.insert = db.prepare(`
      INSERT INTO runs (experiment_id, retry_of, config, config_hash, variant, seed, split_hash, status, queue_position, created_at, total_steps,
        executor, slurm_options)
      VALUES (@experimentId, @retryOf, @config, @configHash, @variant, @seed, @splitHash, 'queued', @position, @now, @totalSteps,
        @executor, @slurmOptions)`)
    this.experimentExists = db.prepare('SELECT 1 FROM experiments WHERE id = ?')
    this.firstPosition = db.prepare('SELECT min(queue_position) FROM runs').pluck()
    this.lastPosition = db.prepare('SELECT max(queue_position) FROM runs').pluck()
    this.previous = db.prepare('SELECT id, queue_position FROM runs WHERE queue_position < ? ORDER BY queue_position DESC LIMIT 1')
    this.following = db.prepare('SELECT id, queue_position FROM runs WHERE queue_position > ? ORDER BY queue_position LIMIT 1')
    this.setPosition = db.prepare('UPDATE runs SET queue_position = ? WHERE id = ?')
    this.next = db.prepare<unknown[], unknown[]>(`SELECT ${RUN_SELECT} FROM runs r WHERE r.status = 'queued' ORDER BY r.queue_position LIMIT 1`).raw()
    this.queued = db.prepare<unknown[], unknown[]>(`SELECT ${RUN_SELECT} FROM runs r WHERE r.queue_position IS NOT NULL ORDER BY r.queue_position`).raw()
    this.running = db.prepare<unknown[], unknown[]>(`SELECT ${RUN_SELECT} FROM runs r WHERE r.status = 'running' ORDER BY r.started_at DESC, r.id DESC`).raw()
    this.updateStatus = db.prepare(`
      UPDATE runs SET status = @status, queue_position = @position, started_at = @startedAt, finished_at = @finishedAt,
        error = @error, step = @step, train_seconds = @trainSeconds, last_heartbeat_at = @heartbeat
      WHERE id = @id`)
    this.copyTags = db.prepare('INSERT INTO tags (run_id, tag) SELECT ?, tag FROM tags WHERE run_id = ?')
  }

  /** Adds a run to the queue (status 'queued'). */
  enqueue(input: NewRun, retryOf: number | null = null): RunRecord {
    return this.ctx.db.transaction(() => {
      const config = resolveConfig(input.config as Record<string, unknown>)
      const experimentId = input.experimentId ?? null
      if (experimentId !== null && !this.experimentExists.get(experimentId)) throw new NotFoundError('experiment', experimentId)
      const executor = input.executor ?? 'local'
      if (!EXECUTORS.includes(executor)) throw new StoreInputError('executor', `expected one of ${EXECUTORS.join(', ')}, got "${String(executor)}"`)
      if (executor !== 'slurm' && input.slurm) throw new StoreInputError('slurm', `Slurm options are for executor slurm, not ${executor}`)
      const result = this.insert.run({
        experimentId,
        retryOf,
        config: JSON.stringify(config),
        configHash: configHash(config),
        variant: config.variant,
        seed: config.seed,
        splitHash: input.splitHash ?? null,
        position: input.at === 'top' ? this.topPosition() : this.bottomPosition(),
        now: this.ctx.now(),
        totalSteps: config.steps,
        executor,
        slurmOptions: input.slurm ? JSON.stringify(input.slurm) : null
      })
      return this.lookup.require(rowId(result.lastInsertRowid))
    })()
  }

  /** The queued run to start next, if any (paused and interrupted runs wait for a resume). */
  nextQueued(): RunRecord | undefined {
    const row = this.next.get()
    return row && toRunRecord(row)
  }

  /** Queued, paused and interrupted runs in queue order. */
  list(): RunRecord[] {
    return this.queued.all().map((row) => toRunRecord(row))
  }

  /** The runs marked running (out of the queue while they train), latest started first. */
  listRunning(): RunRecord[] {
    return this.running.all().map((row) => toRunRecord(row))
  }

  move(id: number, where: QueueMove): RunRecord[] {
    this.ctx.db.transaction(() => {
      const run = this.lookup.require(id)
      const position = run.queuePosition
      if (position === null) throw new StoreInputError('id', `run ${id} is ${run.status}, not in the queue`)
      if (where === 'top' || where === 'bottom') {
        const edge = where === 'top' ? this.firstPosition.get() : this.lastPosition.get()
        if (edge !== position) this.setPosition.run(where === 'top' ? this.topPosition() : this.bottomPosition(), id)
        return
      }
      if (where !== 'up' && where !== 'down') throw new StoreInputError('where', `expected up, down, top or bottom, got "${String(where)}"`)
      const neighbour = (where === 'up' ? this.previous : this.following).get(position)
      if (!neighbour) return
      // positions are unique: park this run while the neighbour takes its place
      this.setPosition.run(null, id)
      this.setPosition.run(position, neighbour.id)
      this.setPosition.run(neighbour.queue_position, id)
    })()
    return this.list()
  }

  /** Changes a run's status if TRANSITIONS allows it; the same status again only records the details. */
  setStatus(id: number, to: RunStatus, details: StatusDetails = {}): RunRecord {
    if (!isRunStatus(to)) throw new StoreInputError('status', `unknown run status "${String(to)}"`)
    return this.ctx.db.transaction(() => {
      const run = this.lookup.require(id)
      if (run.status !== to && !TRANSITIONS[run.status].includes(to)) throw new InvalidTransitionError(id, run.status, to, TRANSITIONS[run.status])
      this.write(run, to, details)
      return this.lookup.require(id)
    })()
  }

  /** At start-up: runs left 'running' by a previous process become 'interrupted', at the head of the queue in their order; keep: runs left as they are. */
  markRunningAsInterrupted(reason = 'the app stopped while this run was training', keep: (run: RunRecord) => boolean = () => false): RunRecord[] {
    return this.ctx.db.transaction(() => {
      // latest-started first, each placed on top: the earliest ends up first
      const runs = this.listRunning().filter((run) => !keep(run))
      for (const run of runs) {
        const heartbeat = run.lastHeartbeatAt === null ? '' : ` (last heartbeat ${new Date(run.lastHeartbeatAt).toISOString()})`
        this.write(run, 'interrupted', { error: reason + heartbeat })
      }
      return runs.reverse().map((run) => this.lookup.require(run.id))
    })()
  }

  /** Runs a final (finished, failed, cancelled) run again: a new queued run with the same config, experiment and tags. */
  retry(id: number): RunRecord {
    return this.ctx.db.transaction(() => {
      const run = this.lookup.require(id)
      if (!FINAL_STATUSES.includes(run.status)) {
        throw new StoreInputError('id', `run ${id} is ${run.status}: ${run.status === 'running' ? 'it is running' : 'resume it instead of retrying'}`)
      }
      const copy = this.enqueue({ config: run.config, experimentId: run.experimentId, executor: run.executor, slurm: run.slurm }, id)
      this.copyTags.run(copy.id, id)
      return copy
    })()
  }

  private write(run: RunRecord, to: RunStatus, details: StatusDetails): void {
    const now = this.ctx.now()
    const queued = QUEUE_STATUSES.includes(to)
    // A run leaving 'running' for the queue goes first in line: it was being worked on.
    const position = !queued ? null : (run.queuePosition ?? this.topPosition())
    const clearsError = to === 'running' || to === 'queued'
    if (details.step !== undefined && (!Number.isInteger(details.step) || details.step < 0)) {
      throw new StoreInputError('step', `expected an integer >= 0, got ${details.step}`)
    }
    if (details.trainSeconds !== undefined && !(details.trainSeconds >= 0)) {
      throw new StoreInputError('trainSeconds', `expected a number >= 0, got ${details.trainSeconds}`)
    }
    this.updateStatus.run({
      id: run.id,
      status: to,
      position,
      startedAt: to === 'running' ? (run.startedAt ?? now) : run.startedAt,
      finishedAt: FINAL_STATUSES.includes(to) ? now : run.finishedAt,
      error: details.error !== undefined ? details.error : clearsError ? null : run.error,
      step: details.step ?? run.step,
      trainSeconds: details.trainSeconds ?? run.trainSeconds,
      heartbeat: to === 'running' ? now : run.lastHeartbeatAt
    })
  }

  private topPosition(): number {
    const first = this.firstPosition.get() as number | null
    return first === null ? 1 : first - 1
  }

  private bottomPosition(): number {
    const last = this.lastPosition.get() as number | null
    return last === null ? 1 : last + 1
  }
}
