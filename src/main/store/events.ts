// Events and log lines: what happened to a run (or to the app, run_id null),
// append-only, read back by id so a live view can ask for what is new.
import type { Statement } from 'better-sqlite3'
import type { StoreContext } from './context.ts'
import { StoreInputError } from './errors.ts'
import { parseJsonColumn, rowId } from './rows.ts'

export const EVENT_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export type EventLevel = (typeof EVENT_LEVELS)[number]

export interface NewEvent {
  runId?: number | null
  level: EventLevel
  /** a short machine-readable kind: 'status', 'checkpoint', 'log', 'backend', ... */
  kind: string
  message: string
  data?: unknown
  /** milliseconds since the epoch; now if left out */
  time?: number
}

export interface StoredEvent {
  id: number
  runId: number | null
  time: number
  level: EventLevel
  kind: string
  message: string
  data: unknown
}

export interface EventQuery {
  /** a run's events; null: the app's own (no run); left out: all */
  runId?: number | null
  /** only events with a larger id, the oldest first (a live tail pages forward without gaps) */
  afterId?: number
  /** this level and above */
  minLevel?: EventLevel
  kind?: string
  /** at most this many (1000 if left out): the latest ones, or with afterId the next ones; always in id order */
  limit?: number
}

interface EventRow {
  id: number
  run_id: number | null
  time: number
  level: string
  kind: string
  message: string
  data: string | null
}

export class Events {
  private readonly insert: Statement
  private readonly latest: Statement<unknown[], EventRow>
  private readonly following: Statement<unknown[], EventRow>

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db
    this.insert = db.prepare('INSERT INTO events (run_id, time, level, kind, message, data) VALUES (?, ?, ?, ?, ?, ?)')
    const where = `(@anyRun OR run_id IS @runId) AND id > @afterId
      AND level IN (SELECT value FROM json_each(@levels)) AND (@kind IS NULL OR kind = @kind)`
    this.latest = db.prepare(`SELECT * FROM (SELECT * FROM events WHERE ${where} ORDER BY id DESC LIMIT @limit) ORDER BY id`)
    this.following = db.prepare(`SELECT * FROM events WHERE ${where} ORDER BY id LIMIT @limit`)
  }

  log(event: NewEvent): number {
    return this.logMany([event])[0]
  }

  /** Appends several events in one transaction; returns their ids. */
  logMany(events: readonly NewEvent[]): number[] {
    const rows = events.map(checkEvent)
    const now = this.ctx.now()
    return this.ctx.db.transaction(() =>
      rows.map((e) =>
        rowId(this.insert.run(e.runId ?? null, e.time ?? now, e.level, e.kind, e.message, e.data === undefined ? null : JSON.stringify(e.data)).lastInsertRowid)
      )
    )()
  }

  list(query: EventQuery = {}): StoredEvent[] {
    const minLevel = query.minLevel ?? 'debug'
    if (!EVENT_LEVELS.includes(minLevel)) throw new StoreInputError('minLevel', `expected one of ${EVENT_LEVELS.join(', ')}`)
    const rows = (query.afterId === undefined ? this.latest : this.following).all({
      anyRun: query.runId === undefined ? 1 : 0,
      runId: query.runId ?? null,
      afterId: query.afterId ?? 0,
      levels: JSON.stringify(EVENT_LEVELS.slice(EVENT_LEVELS.indexOf(minLevel))),
      kind: query.kind ?? null,
      limit: query.limit ?? 1000
    })
    return rows.map((row) => ({
      id: row.id,
      runId: row.run_id,
      time: row.time,
      level: row.level as EventLevel,
      kind: row.kind,
      message: row.message,
      data: parseJsonColumn(row.data, `events.data of event ${row.id}`) ?? null
    }))
  }
}

function checkEvent(event: NewEvent, i: number): NewEvent {
  const where = `events[${i}]`
  if (!EVENT_LEVELS.includes(event.level))
    throw new StoreInputError(`${where}.level`, `expected one of ${EVENT_LEVELS.join(', ')}, got ${JSON.stringify(event.level)}`)
  if (typeof event.kind !== 'string' || !event.kind) throw new StoreInputError(`${where}.kind`, 'expected a non-empty string')
  if (typeof event.message !== 'string') throw new StoreInputError(`${where}.message`, 'expected a string')
  return event
}
