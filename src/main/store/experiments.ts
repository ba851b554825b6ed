// Experiments: named groups of runs with the preset and base config they start from.
import type { Statement } from 'better-sqlite3'
import type { StoreContext } from './context.ts'
import { NotFoundError, StoreInputError } from './errors.ts'
import { parseJsonColumn, rowId } from './rows.ts'

export interface Experiment {
  id: number
  name: string
  description: string
  preset: string | null
  /** partial config the experiment's runs start from */
  baseConfig: Record<string, unknown> | null
  createdAt: number
}

export interface ExperimentListItem extends Experiment {
  /** its runs, oldest first */
  runIds: number[]
}

export interface NewExperiment {
  name: string
  description?: string
  preset?: string | null
  baseConfig?: Record<string, unknown> | null
}

interface ExperimentRow {
  id: number
  name: string
  description: string
  preset: string | null
  base_config: string | null
  created_at: number
}

export class Experiments {
  private readonly insert: Statement
  private readonly byId: Statement<unknown[], ExperimentRow>
  private readonly byName: Statement<unknown[], ExperimentRow>
  private readonly all: Statement<unknown[], ExperimentRow & { run_ids: string }>
  private readonly updateRow: Statement
  private readonly deleteRow: Statement

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db
    this.insert = db.prepare('INSERT INTO experiments (name, description, preset, base_config, created_at) VALUES (?, ?, ?, ?, ?)')
    this.byId = db.prepare('SELECT * FROM experiments WHERE id = ?')
    this.byName = db.prepare('SELECT * FROM experiments WHERE name = ?')
    this.all = db.prepare(`
      SELECT e.*, (SELECT json_group_array(id) FROM (SELECT id FROM runs r WHERE r.experiment_id = e.id ORDER BY id)) AS run_ids
      FROM experiments e ORDER BY e.created_at DESC, e.id DESC`)
    this.updateRow = db.prepare('UPDATE experiments SET name = ?, description = ?, preset = ?, base_config = ? WHERE id = ?')
    this.deleteRow = db.prepare('DELETE FROM experiments WHERE id = ?')
  }

  create(input: NewExperiment): Experiment {
    const name = checkName(input.name)
    if (this.byName.get(name)) throw new StoreInputError('name', `an experiment named "${name}" exists already`)
    const result = this.insert.run(name, input.description ?? '', input.preset ?? null, jsonOrNull(input.baseConfig), this.ctx.now())
    return this.require(rowId(result.lastInsertRowid))
  }

  get(id: number): Experiment | undefined {
    const row = this.byId.get(id)
    return row && toExperiment(row)
  }

  require(id: number): Experiment {
    const found = this.get(id)
    if (!found) throw new NotFoundError('experiment', id)
    return found
  }

  findByName(name: string): Experiment | undefined {
    const row = this.byName.get(name)
    return row && toExperiment(row)
  }

  list(): ExperimentListItem[] {
    return this.all.all().map((row) => ({ ...toExperiment(row), runIds: JSON.parse(row.run_ids) as number[] }))
  }

  update(id: number, patch: Partial<NewExperiment>): Experiment {
    const current = this.require(id)
    const name = patch.name === undefined ? current.name : checkName(patch.name)
    const clash = this.byName.get(name)
    if (clash && clash.id !== id) throw new StoreInputError('name', `an experiment named "${name}" exists already`)
    this.updateRow.run(
      name,
      patch.description ?? current.description,
      patch.preset === undefined ? current.preset : patch.preset,
      patch.baseConfig === undefined ? jsonOrNull(current.baseConfig) : jsonOrNull(patch.baseConfig),
      id
    )
    return this.require(id)
  }

  /** Deletes the experiment; its runs stay, belonging to no experiment. */
  delete(id: number): void {
    if (this.deleteRow.run(id).changes === 0) throw new NotFoundError('experiment', id)
  }
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !name.trim()) throw new StoreInputError('name', 'an experiment needs a non-empty name')
  if (name.length > 200) throw new StoreInputError('name', `at most 200 characters (got ${name.length})`)
  return name.trim()
}

function jsonOrNull(value: Record<string, unknown> | null | undefined): string | null {
  if (value === null || value === undefined) return null
  if (typeof value !== 'object' || Array.isArray(value)) throw new StoreInputError('baseConfig', 'expected an object of config keys')
  return JSON.stringify(value)
}

function toExperiment(row: ExperimentRow): Experiment {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    preset: row.preset,
    baseConfig: parseJsonColumn<Record<string, unknown>>(row.base_config, `experiments.base_config of experiment ${row.id}`) ?? null,
    createdAt: row.created_at
  }
}
