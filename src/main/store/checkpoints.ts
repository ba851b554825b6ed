// Checkpoint records: the files themselves live on disk (checkpoint/files.ts);
// the store knows where, at which step, how big and their sha256.
import fs from 'node:fs'
import { createHash } from 'node:crypto'
import type { Statement } from 'better-sqlite3'
import type { StoreContext } from './context.ts'
import { NotFoundError, StoreInputError } from './errors.ts'
import { rowId } from './rows.ts'

export interface NewCheckpoint {
  runId: number
  step: number
  path: string
  bytes: number
  sha256: string
}

export interface Checkpoint extends NewCheckpoint {
  id: number
  createdAt: number
}

/** How latest() judges a file: 'size' stats it; 'sha256' also reads and hashes it; 'none' trusts the record. */
export type CheckpointCheck = 'none' | 'size' | 'sha256'

interface CheckpointRow {
  id: number
  run_id: number
  step: number
  path: string
  bytes: number
  sha256: string
  created_at: number
}

export class Checkpoints {
  private readonly insert: Statement
  private readonly byRun: Statement<unknown[], CheckpointRow>
  private readonly runExists: Statement
  private readonly deleteRow: Statement

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db
    this.insert = db.prepare('INSERT INTO checkpoints (run_id, step, path, bytes, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    this.byRun = db.prepare('SELECT * FROM checkpoints WHERE run_id = ? ORDER BY step DESC, id DESC')
    this.runExists = db.prepare('SELECT 1 FROM runs WHERE id = ?')
    this.deleteRow = db.prepare('DELETE FROM checkpoints WHERE id = ?')
  }

  add(checkpoint: NewCheckpoint): Checkpoint {
    checkNew(checkpoint)
    if (!this.runExists.get(checkpoint.runId)) throw new NotFoundError('run', checkpoint.runId)
    const { runId, step, path, bytes, sha256 } = checkpoint
    const createdAt = this.ctx.now()
    const id = rowId(this.insert.run(runId, step, path, bytes, sha256.toLowerCase(), createdAt).lastInsertRowid)
    return { id, runId, step, path, bytes, sha256: sha256.toLowerCase(), createdAt }
  }

  /** Newest (highest step) first. */
  list(runId: number): Checkpoint[] {
    return this.byRun.all(runId).map(toCheckpoint)
  }

  /** The newest checkpoint whose file passes the check, or undefined. */
  latest(runId: number, check: CheckpointCheck = 'size'): Checkpoint | undefined {
    return this.list(runId).find((c) => checkpointFileIsValid(c, check))
  }

  /** Deletes the records beyond the newest `keep` and returns them, so the caller deletes their files. */
  prune(runId: number, keep: number): Checkpoint[] {
    if (!Number.isInteger(keep) || keep < 0) throw new StoreInputError('keep', `expected an integer >= 0, got ${keep}`)
    return this.ctx.db.transaction(() => {
      const doomed = this.list(runId).slice(keep)
      for (const c of doomed) this.deleteRow.run(c.id)
      return doomed
    })()
  }

  remove(id: number): void {
    if (this.deleteRow.run(id).changes === 0) throw new NotFoundError('checkpoint', id)
  }
}

/** Whether the file on disk still matches the record. */
export function checkpointFileIsValid(checkpoint: Checkpoint, check: CheckpointCheck): boolean {
  if (check === 'none') return true
  const stat = fs.statSync(checkpoint.path, { throwIfNoEntry: false })
  if (!stat?.isFile() || stat.size !== checkpoint.bytes) return false
  if (check === 'size') return true
  return createHash('sha256').update(fs.readFileSync(checkpoint.path)).digest('hex') === checkpoint.sha256
}

function checkNew(c: NewCheckpoint): void {
  if (!Number.isInteger(c.step) || c.step < 0) throw new StoreInputError('step', `expected an integer >= 0, got ${c.step}`)
  if (typeof c.path !== 'string' || !c.path) throw new StoreInputError('path', 'expected a file path')
  if (!Number.isInteger(c.bytes) || c.bytes < 0) throw new StoreInputError('bytes', `expected an integer >= 0, got ${c.bytes}`)
  if (typeof c.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(c.sha256)) throw new StoreInputError('sha256', 'expected 64 hex digits')
}

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return { id: row.id, runId: row.run_id, step: row.step, path: row.path, bytes: row.bytes, sha256: row.sha256, createdAt: row.created_at }
}
