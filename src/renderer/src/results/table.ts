// The study's table for one experiment: a column per variant with the top-1 rows
// (shared/results/table-rows.ts: the chosen statistic, per seed on demand, the
// paired difference from a reference), top-5, the mean train time; and the PNG's title
// (the CSV of numbers is shared/results/results-csv.ts).
import type { RunRecord } from '../../../shared/api.ts'
import { VARIANTS, type Variant } from '../../../shared/config.ts'
import { formatDuration, formatMeanStd, meanAndStd } from '../../../shared/format.ts'
import { methodDescriptor } from '../../../shared/methods/index.ts'
import type { SeedResult } from '../../../shared/results/comparison.ts'
import { recordResults, STAT_TITLES, type ResultStat } from '../../../shared/results/run-results.ts'
import { topOneRows, type TableOptions, type TableRow } from '../../../shared/results/table-rows.ts'

export interface VariantResult {
  variant: Variant
  /** finished runs counted, one per seed */
  seeds: number[]
  /** top-1 at the final evaluation, per seed */
  top1: number[]
  top5: number[]
  trainSeconds: number[]
  /** each counted run's results under every statistic, in seed order */
  runs: SeedResult[]
  /** queued, running, paused or interrupted runs not yet in the numbers */
  pending: number
  /** failed or cancelled runs left out */
  failed: number
}

const PENDING = new Set(['queued', 'running', 'paused', 'interrupted'])

export function variantResults(runs: readonly RunRecord[]): VariantResult[] {
  const results: VariantResult[] = []
  for (const variant of VARIANTS) {
    const mine = runs.filter((run) => run.variant === variant)
    if (mine.length === 0) continue
    // a seed run twice (a retry) counts once: its latest finished run
    const bySeed = new Map<number, RunRecord>()
    for (const run of mine) {
      if (run.status !== 'finished' || !run.summary['eval/top1']) continue
      const held = bySeed.get(run.seed)
      if (!held || held.id < run.id) bySeed.set(run.seed, run)
    }
    const counted = [...bySeed.values()].sort((a, b) => a.seed - b.seed)
    results.push({
      variant,
      seeds: counted.map((run) => run.seed),
      top1: counted.map((run) => run.summary['eval/top1']!.last),
      top5: counted.filter((run) => run.summary['eval/top5']).map((run) => run.summary['eval/top5']!.last),
      trainSeconds: counted.map((run) => run.trainSeconds),
      runs: counted.map((run) => ({ variant, seed: run.seed, splitHash: run.splitHash, results: recordResults(run)!, runId: run.id })),
      pending: mine.filter((run) => PENDING.has(run.status)).length,
      failed: mine.filter((run) => run.status === 'failed' || run.status === 'cancelled').length
    })
  }
  return results
}

export interface ResultsTable {
  header: string[]
  rows: TableRow[]
}

export function resultsTable(results: readonly VariantResult[], options: TableOptions = {}): ResultsTable {
  const variants = results.map((r) => r.variant)
  // the counted runs of each column, for its cells' links
  const runIds = results.map((r) => r.runs.flatMap((run) => (run.runId === undefined ? [] : [run.runId])))
  return {
    header: ['Model', ...results.map((r) => methodDescriptor(r.variant).title)],
    rows: [
      ...topOneRows(
        variants,
        results.flatMap((r) => r.runs),
        options
      ),
      {
        key: 'top-5',
        label: 'Top-5 (final evaluation)',
        cells: results.map((r) => formatMeanStd(r.top5, 1)),
        values: results.map((r) => (r.top5.length ? meanAndStd(r.top5).mean : null)),
        better: 'higher',
        digits: 1,
        runIds
      },
      {
        key: 'train-time',
        label: 'Train time',
        cells: results.map((r) => (r.trainSeconds.length ? formatDuration(meanAndStd(r.trainSeconds).mean) : '-')),
        values: results.map((r) => (r.trainSeconds.length ? meanAndStd(r.trainSeconds).mean : null)),
        better: 'lower',
        runIds
      },
      { key: 'seeds', label: 'Seeds', cells: results.map(seedsText), runIds }
    ]
  }
}

function seedsText(result: VariantResult): string {
  const parts = [`${result.seeds.length}`]
  if (result.pending) parts.push(`${result.pending} to come`)
  if (result.failed) parts.push(`${result.failed} failed`)
  return parts.length > 1 ? `${parts[0]} (${parts.slice(1).join(', ')})` : parts[0]!
}

/**
 * The PNG's title lines: what was trained (experiment, dataset, labels, steps; several
 * values where the runs differ) and how the numbers were made.
 */
export function resultsCaption(experimentName: string, runs: readonly RunRecord[], stat: ResultStat): string[] {
  const distinct = <T>(pick: (run: RunRecord) => T) => [...new Set(runs.map(pick))].join('/')
  const trained = runs.length
    ? ` · ${distinct((run) => run.config.dataset)} · ${distinct((run) => run.config.labelsPerClass)} labels/class · ${distinct((run) => run.totalSteps.toLocaleString('en-US'))} steps`
    : ''
  return [`${experimentName}${trained}`, `Top-1 of the EMA model, %: ${STAT_TITLES[stat]}; mean ± sample std over n seeds`]
}
