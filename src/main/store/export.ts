// A run out of the store: its metrics as long-format CSV, or the whole run as
// one JSON document that import.ts reads back on another install.
import type { Statement } from 'better-sqlite3'
import type { StoreContext } from './context.ts'
import type { Experiments } from './experiments.ts'
import type { Annotations } from './annotations.ts'
import type { Checkpoints } from './checkpoints.ts'
import type { Events } from './events.ts'
import type { Diagnostics, NewDiagnostics } from './diagnostics.ts'
import { RunLookup, type RunRecord } from './run-record.ts'

export const RUN_EXPORT_FORMAT = 'fixmatch-lab-run/1' as const

/** Columns of one metric: equal-length arrays, in step order. */
export interface MetricColumns {
  steps: number[]
  values: number[]
  wallTimes: number[]
}

export type ExportedRunFields = Omit<RunRecord, 'id' | 'experimentId' | 'retryOf' | 'queuePosition'>

export interface RunExport {
  format: typeof RUN_EXPORT_FORMAT
  exportedAt: number
  /** the run's id where it was exported (an import gets a new one) */
  sourceRunId: number
  run: ExportedRunFields
  experiment: { name: string; description: string; preset: string | null; baseConfig: Record<string, unknown> | null } | null
  tags: string[]
  note: string | null
  metrics: Record<string, MetricColumns>
  events: { time: number; level: string; kind: string; message: string; data: unknown }[]
  /** one record per evaluation: the confusion matrix (row-major, row = true class), pseudo-label counts, sample indices */
  diagnostics: (Omit<NewDiagnostics, 'confusion' | 'wallTime'> & { confusion: number[]; wallTime: number })[]
  /** for reference only: the files stay behind, so an import does not record them */
  checkpoints: { step: number; bytes: number; sha256: string; createdAt: number }[]
}

export class RunExporter {
  private readonly lookup: RunLookup
  private readonly names: Statement<unknown[], { id: number; name: string }>
  private readonly range: Statement<unknown[], unknown[]>

  constructor(
    private readonly ctx: StoreContext,
    private readonly parts: { experiments: Experiments; annotations: Annotations; events: Events; checkpoints: Checkpoints; diagnostics: Diagnostics }
  ) {
    const db = ctx.db
    this.lookup = new RunLookup(db)
    this.names = db.prepare('SELECT n.id, n.name FROM run_summary s JOIN metric_names n ON n.id = s.name_id WHERE s.run_id = ? ORDER BY n.name')
    this.range = db.prepare<unknown[], unknown[]>('SELECT step, value, wall_time FROM metrics WHERE run_id = ? AND name_id = ? ORDER BY step').raw()
  }

  /** step,name,value,wall_time (wall_time in milliseconds since the epoch), by name then step. */
  metricsCsv(runId: number): string {
    this.lookup.require(runId)
    const lines = ['step,name,value,wall_time']
    for (const { id, name } of this.names.all(runId)) {
      const quoted = csvField(name)
      for (const [step, value, wallTime] of this.range.all(runId, id) as number[][]) lines.push(`${step},${quoted},${value},${wallTime}`)
    }
    return lines.join('\n') + '\n'
  }

  /** The whole run as one JSON-ready object (JSON.stringify it to write a file). */
  runJson(runId: number): RunExport {
    return this.ctx.db.transaction(() => {
      const { id, experimentId, retryOf: _retryOf, queuePosition: _position, ...run } = this.lookup.require(runId)
      const experiment = experimentId === null ? undefined : this.parts.experiments.get(experimentId)
      const metrics: Record<string, MetricColumns> = {}
      for (const { id: nameId, name } of this.names.all(runId)) {
        const columns: MetricColumns = { steps: [], values: [], wallTimes: [] }
        for (const [step, value, wallTime] of this.range.all(runId, nameId) as number[][]) {
          columns.steps.push(step)
          columns.values.push(value)
          columns.wallTimes.push(wallTime)
        }
        metrics[name] = columns
      }
      return {
        format: RUN_EXPORT_FORMAT,
        exportedAt: this.ctx.now(),
        sourceRunId: id,
        run,
        experiment: experiment
          ? { name: experiment.name, description: experiment.description, preset: experiment.preset, baseConfig: experiment.baseConfig }
          : null,
        tags: this.parts.annotations.tags(runId),
        note: this.parts.annotations.note({ runId })?.text ?? null,
        metrics,
        events: this.parts.events.list({ runId, limit: -1 }).map(({ time, level, kind, message, data }) => ({ time, level, kind, message, data })),
        diagnostics: this.parts.diagnostics.list(runId).map(({ step, classes, confusion, pseudoLabels, samples, wallTime }) => ({
          step,
          classes,
          confusion: Array.from(confusion),
          pseudoLabels,
          samples,
          wallTime
        })),
        checkpoints: this.parts.checkpoints.list(runId).map(({ step, bytes, sha256, createdAt }) => ({ step, bytes, sha256, createdAt }))
      }
    })()
  }
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
