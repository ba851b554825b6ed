// What people add to runs: tags, and one note per run or experiment.
import type { Statement } from 'better-sqlite3'
import type { StoreContext } from './context.ts'
import { NotFoundError, StoreInputError } from './errors.ts'

export interface Note {
  text: string
  updatedAt: number
}

export type NoteTarget = { runId: number } | { experimentId: number }

export class Annotations {
  private readonly insertTag: Statement
  private readonly deleteTag: Statement
  private readonly tagsOfRun: Statement<unknown[], unknown>
  private readonly tagCounts: Statement<unknown[], { tag: string; count: number }>
  private readonly runExists: Statement
  private readonly experimentExists: Statement
  private readonly upsertRunNote: Statement
  private readonly upsertExperimentNote: Statement
  private readonly runNote: Statement<unknown[], { text: string; updated_at: number }>
  private readonly experimentNote: Statement<unknown[], { text: string; updated_at: number }>
  private readonly deleteRunNote: Statement
  private readonly deleteExperimentNote: Statement

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db
    this.insertTag = db.prepare('INSERT INTO tags (run_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING')
    this.deleteTag = db.prepare('DELETE FROM tags WHERE run_id = ? AND tag = ?')
    this.tagsOfRun = db.prepare('SELECT tag FROM tags WHERE run_id = ? ORDER BY tag').pluck()
    this.tagCounts = db.prepare('SELECT tag, count(*) AS count FROM tags GROUP BY tag ORDER BY tag')
    this.runExists = db.prepare('SELECT 1 FROM runs WHERE id = ?')
    this.experimentExists = db.prepare('SELECT 1 FROM experiments WHERE id = ?')
    this.upsertRunNote = db.prepare(
      'INSERT INTO notes (run_id, text, updated_at) VALUES (?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at'
    )
    this.upsertExperimentNote = db.prepare(
      'INSERT INTO notes (experiment_id, text, updated_at) VALUES (?, ?, ?) ON CONFLICT (experiment_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at'
    )
    this.runNote = db.prepare('SELECT text, updated_at FROM notes WHERE run_id = ?')
    this.experimentNote = db.prepare('SELECT text, updated_at FROM notes WHERE experiment_id = ?')
    this.deleteRunNote = db.prepare('DELETE FROM notes WHERE run_id = ?')
    this.deleteExperimentNote = db.prepare('DELETE FROM notes WHERE experiment_id = ?')
  }

  addTag(runId: number, tag: string): void {
    this.requireRun(runId)
    this.insertTag.run(runId, checkTag(tag))
  }

  removeTag(runId: number, tag: string): void {
    this.deleteTag.run(runId, tag.trim())
  }

  tags(runId: number): string[] {
    return this.tagsOfRun.all(runId) as string[]
  }

  /** Every tag in use, with how many runs carry it. */
  allTags(): { tag: string; count: number }[] {
    return this.tagCounts.all()
  }

  /** Sets the note of a run or experiment; empty text deletes it. */
  setNote(target: NoteTarget, text: string): void {
    if (typeof text !== 'string') throw new StoreInputError('text', 'expected a string')
    const now = this.ctx.now()
    if ('runId' in target) {
      this.requireRun(target.runId)
      if (text.trim()) this.upsertRunNote.run(target.runId, text, now)
      else this.deleteRunNote.run(target.runId)
    } else {
      if (!this.experimentExists.get(target.experimentId)) throw new NotFoundError('experiment', target.experimentId)
      if (text.trim()) this.upsertExperimentNote.run(target.experimentId, text, now)
      else this.deleteExperimentNote.run(target.experimentId)
    }
  }

  note(target: NoteTarget): Note | undefined {
    const row = 'runId' in target ? this.runNote.get(target.runId) : this.experimentNote.get(target.experimentId)
    return row && { text: row.text, updatedAt: row.updated_at }
  }

  private requireRun(runId: number): void {
    if (!this.runExists.get(runId)) throw new NotFoundError('run', runId)
  }
}

function checkTag(tag: unknown): string {
  const trimmed = typeof tag === 'string' ? tag.trim() : ''
  if (!trimmed || trimmed.length > 64) throw new StoreInputError('tag', `expected 1 to 64 characters, got ${JSON.stringify(tag)}`)
  return trimmed
}
