// The study's table for one experiment: a column per variant with the top-1 rows
// (shared/results/table-rows.ts: the chosen statistic, per seed on demand, the
// paired difference from a reference), top-5, the mean train time; and its CSV text.
import type { RunRecord } from '../../../shared/api.ts'
import { VARIANTS, type Variant } from '../../../shared/config.ts'
import { formatDuration, formatMeanStd, meanAndStd } from '../../../shared/format.ts'
import { methodDescriptor } from '../../../shared/methods/index.ts'
import type { SeedResult } from '../../../shared/results/comparison.ts'
import { recordResults } from '../../../shared/results/run-results.ts'
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
      runs: counted.map((run) => ({ variant, seed: run.seed, splitHash: run.splitHash, results: recordResults(run)! })),
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
  return {
    header: ['Model', ...results.map((r) => methodDescriptor(r.variant).title)],
    rows: [
      ...topOneRows(
        variants,
        results.flatMap((r) => r.runs),
        options
      ),
      { key: 'top-5', label: 'Top-5 (final evaluation)', cells: results.map((r) => formatMeanStd(r.top5, 1)) },
      { key: 'train-time', label: 'Train time', cells: results.map((r) => (r.trainSeconds.length ? formatDuration(meanAndStd(r.trainSeconds).mean) : '-')) },
      { key: 'seeds', label: 'Seeds', cells: results.map(seedsText) }
    ]
  }
}

function seedsText(result: VariantResult): string {
  const parts = [`${result.seeds.length}`]
  if (result.pending) parts.push(`${result.pending} to come`)
  if (result.failed) parts.push(`${result.failed} failed`)
  return parts.length > 1 ? `${parts[0]} (${parts.slice(1).join(', ')})` : parts[0]!
}

/** RFC 4180 CSV, one line per table row. */
export function tableCsv(table: ResultsTable): string {
  const lines = [table.header, ...table.rows.map((row) => [row.label, ...row.cells])]
  return lines.map((line) => line.map(csvCell).join(',')).join('\r\n') + '\r\n'
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
