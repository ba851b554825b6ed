// The SSL diagnostics of a run: one record per evaluation (migration 6), the
// confusion matrix and per-class tallies as count blobs (count-blob.ts). A
// resumed run evaluates the steps after its checkpoint again: a record for a
// step already held replaces it.
import type { Statement } from 'better-sqlite3'
import { classTotals } from '../../shared/diagnostics/confusion.ts'
import type { StoreContext } from './context.ts'
import { decodeCounts, encodeCounts } from './count-blob.ts'
import { NotFoundError, StoreInputError } from './errors.ts'

/** Image indices shown with an evaluation: test images it got wrong, unlabeled images with their pseudo-label. */
export interface DiagnosticSamples {
  misclassified: { index: number; predicted: number; label: number }[]
  /** index into the training pool (the train set, then any extra unlabeled images); label -1: unknown */
  unlabeled: { index: number; pseudoLabel: number; confidence: number; label: number }[]
}

export interface NewDiagnostics {
  step: number
  classes: number
  /** classes * classes counts, row-major: row = true class, column = predicted */
  confusion: ArrayLike<number>
  /** per class over `steps` steps: the pseudo-labels made and those the mask kept; null for a method without */
  pseudoLabels: { steps: number; histogram: ArrayLike<number>; passed: ArrayLike<number> } | null
  samples: DiagnosticSamples
  /** milliseconds since the epoch; now if left out (an import keeps the exported one) */
  wallTime?: number
}

/** One evaluation's record without its matrix: what a chart over steps needs. */
export interface DiagnosticsSummary {
  step: number
  classes: number
  /** per class: test images predicted right, and test images */
  correct: number[]
  images: number[]
  pseudoLabels: { steps: number; histogram: number[]; passed: number[] } | null
}

export interface DiagnosticsRecord extends Omit<DiagnosticsSummary, 'correct' | 'images'> {
  confusion: Uint32Array
  samples: DiagnosticSamples
  wallTime: number
}

interface Row {
  step: number
  classes: number
  confusion: Buffer
  class_counts: Buffer
  pseudo_steps: number | null
  pseudo_counts: Buffer | null
  samples: string
  wall_time: number
}

export class Diagnostics {
  private readonly runExists: Statement
  private readonly upsert: Statement
  private readonly summaries: Statement<unknown[], Row>
  private readonly atStep: Statement<unknown[], Row>
  private readonly latest: Statement<unknown[], Row>
  private readonly all: Statement<unknown[], Row>
  private readonly deleteAfter: Statement

  constructor(private readonly ctx: StoreContext) {
    const db = ctx.db
    this.runExists = db.prepare('SELECT 1 FROM runs WHERE id = ?')
    this.upsert = db.prepare(`
      INSERT OR REPLACE INTO run_diagnostics (run_id, step, classes, confusion, class_counts, pseudo_steps, pseudo_counts, samples, wall_time)
      VALUES (@runId, @step, @classes, @confusion, @classCounts, @pseudoSteps, @pseudoCounts, @samples, @wallTime)`)
    this.summaries = db.prepare('SELECT step, classes, class_counts, pseudo_steps, pseudo_counts FROM run_diagnostics WHERE run_id = ? ORDER BY step')
    this.atStep = db.prepare('SELECT * FROM run_diagnostics WHERE run_id = ? AND step = ?')
    this.latest = db.prepare('SELECT * FROM run_diagnostics WHERE run_id = ? ORDER BY step DESC LIMIT 1')
    this.all = db.prepare('SELECT * FROM run_diagnostics WHERE run_id = ? ORDER BY step')
    this.deleteAfter = db.prepare('DELETE FROM run_diagnostics WHERE run_id = ? AND step > ?')
  }

  /** Records one evaluation's diagnostics (replacing a record at the same step). */
  record(runId: number, entry: NewDiagnostics): void {
    const { step, classes, confusion, pseudoLabels, samples } = entry
    if (!Number.isSafeInteger(step) || step < 0) throw new StoreInputError('step', `expected an integer >= 0, got ${step}`)
    if (!Number.isSafeInteger(classes) || classes < 1) throw new StoreInputError('classes', `expected an integer >= 1, got ${classes}`)
    if (confusion.length !== classes * classes)
      throw new StoreInputError('confusion', `expected ${classes * classes} counts (${classes} x ${classes}), got ${confusion.length}`)
    for (const key of ['histogram', 'passed'] as const)
      if (pseudoLabels && pseudoLabels[key].length !== classes)
        throw new StoreInputError(`pseudoLabels.${key}`, `expected ${classes} counts, got ${pseudoLabels[key].length}`)
    if (!this.runExists.get(runId)) throw new NotFoundError('run', runId)
    const matrix = encodeCounts(confusion, 'confusion')
    const { correct, images } = classTotals({ classes, counts: Uint32Array.from(confusion) })
    this.upsert.run({
      runId,
      step,
      classes,
      confusion: matrix,
      classCounts: encodeCounts([...correct, ...images], 'classCounts'),
      pseudoSteps: pseudoLabels?.steps ?? null,
      pseudoCounts: pseudoLabels ? encodeCounts([...Array.from(pseudoLabels.histogram), ...Array.from(pseudoLabels.passed)], 'pseudoLabels') : null,
      samples: JSON.stringify(samples),
      wallTime: entry.wallTime ?? this.ctx.now()
    })
  }

  /** Every evaluation's per-class tallies, in step order (the matrices are not read). */
  summary(runId: number): DiagnosticsSummary[] {
    return this.summaries.all(runId).map((row) => {
      const totals = decodeCounts(row.class_counts, 2 * row.classes, 'class_counts')
      return {
        step: row.step,
        classes: row.classes,
        correct: Array.from(totals.subarray(0, row.classes)),
        images: Array.from(totals.subarray(row.classes)),
        pseudoLabels: pseudoOf(row)
      }
    })
  }

  /** The record at a step, or the latest one when step is left out; undefined when there is none. */
  get(runId: number, step?: number): DiagnosticsRecord | undefined {
    const row = step === undefined ? this.latest.get(runId) : this.atStep.get(runId, step)
    return row && recordOf(row)
  }

  /** Every record in step order, matrices included (a run's export). */
  list(runId: number): DiagnosticsRecord[] {
    return this.all.all(runId).map(recordOf)
  }

  /** Deletes the records after a step (the steps a resume trains again); returns how many. */
  truncateAfter(runId: number, step: number): number {
    return this.deleteAfter.run(runId, step).changes
  }
}

function pseudoOf(row: Pick<Row, 'classes' | 'pseudo_steps' | 'pseudo_counts'>): DiagnosticsSummary['pseudoLabels'] {
  if (row.pseudo_counts === null || row.pseudo_steps === null) return null
  const counts = decodeCounts(row.pseudo_counts, 2 * row.classes, 'pseudo_counts')
  return { steps: row.pseudo_steps, histogram: Array.from(counts.subarray(0, row.classes)), passed: Array.from(counts.subarray(row.classes)) }
}

function recordOf(row: Row): DiagnosticsRecord {
  return {
    step: row.step,
    classes: row.classes,
    confusion: decodeCounts(row.confusion, row.classes * row.classes, 'confusion'),
    pseudoLabels: pseudoOf(row),
    samples: JSON.parse(row.samples) as DiagnosticSamples,
    wallTime: row.wall_time
  }
}
