// One line per run with its top-1 under every statistic (final, best, median of the
// last 20 and how many evaluations that median covers), for the runs table's export.
import type { RunRecord } from '../api.ts'
import { csvText } from './csv.ts'
import { recordResults } from './run-results.ts'

export const RUNS_CSV_HEADER = [
  'run_id',
  'experiment_id',
  'status',
  'variant',
  'seed',
  'dataset',
  'labels_per_class',
  'step',
  'total_steps',
  'top1_final',
  'top1_best',
  'top1_median20',
  'median20_n',
  'train_seconds',
  'tags'
] as const

export function runsCsv(runs: readonly RunRecord[]): string {
  const lines = runs.map((run) => {
    const results = recordResults(run)
    return [
      run.id,
      run.experimentId,
      run.status,
      run.variant,
      run.seed,
      run.config.dataset,
      run.config.labelsPerClass,
      run.step,
      run.totalSteps,
      results?.final,
      results?.best,
      results && results.medianLast20.n > 0 ? results.medianLast20.value : null,
      results?.medianLast20.n ?? 0,
      run.trainSeconds,
      run.tags.join(';')
    ]
  })
  return csvText([RUNS_CSV_HEADER, ...lines])
}
