// The study's table for one experiment: a column per variant with top-1 under
// the chosen statistic (final, best or median of the last 20 evaluations) as
// mean ± sample std over seeds with n, top-5, the mean train time; on demand the
// per-seed values and the paired difference from a reference variant; and its CSV text.
import type { RunRecord, RunResults } from '../../../shared/api.ts'
import { VARIANTS, type Variant } from '../../../shared/config.ts'
import { formatDuration, formatMeanStd, meanAndStd } from '../../../shared/format.ts'
import { methodDescriptor } from '../../../shared/methods/index.ts'
import { medianCountText, meanStdText, pairedComparison, pairedText, pairedVerdict, summariseVariant, type SeedResult } from '../../../shared/results/comparison.ts'
import { STAT_TITLES, type ResultStat } from '../../../shared/results/run-results.ts'

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

/** A service older than the results field: final and best from the summary, no median (its seeds are left out of it). */
function resultsOf(run: RunRecord): RunResults {
  const top1 = run.summary['eval/top1']!
  return run.results ?? { final: top1.last, best: top1.best, medianLast20: { value: NaN, n: 0 } }
}

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
      runs: counted.map((run) => ({ variant, seed: run.seed, splitHash: run.splitHash, results: resultsOf(run) })),
      pending: mine.filter((run) => PENDING.has(run.status)).length,
      failed: mine.filter((run) => run.status === 'failed' || run.status === 'cancelled').length
    })
  }
  return results
}

export interface TableOptions {
  /** which top-1 the table shows; final if left out */
  stat?: ResultStat
  /** a row per seed with its value */
  perSeed?: boolean
  /** show every other variant's paired difference from this one */
  reference?: Variant | null
}

export interface TableRow {
  /** a stable name for the view's test ids (the label changes with the statistic); else from the label */
  key?: string
  label: string
  cells: string[]
}

export interface ResultsTable {
  header: string[]
  rows: TableRow[]
}

export function resultsTable(results: readonly VariantResult[], options: TableOptions = {}): ResultsTable {
  const stat = options.stat ?? 'final'
  const seedRuns = results.flatMap((r) => r.runs)
  // a seed without a median (from an older service) is left out of the median's n
  const usable = stat === 'median20' ? seedRuns.filter((run) => run.results.medianLast20.n > 0) : seedRuns
  const summaries = results.map((r) => summariseVariant(r.variant, usable, stat))
  const rows: TableRow[] = [{ key: 'top-1', label: `Top-1 (${STAT_TITLES[stat]})`, cells: summaries.map((s) => meanStdText(s)) }]
  if (options.perSeed) {
    const seeds = [...new Set(summaries.flatMap((s) => s.seeds))].sort((a, b) => a - b)
    for (const seed of seeds) {
      rows.push({
        key: `top-1-seed-${seed}`,
        label: `seed ${seed}`,
        cells: summaries.map((s) => {
          const at = s.seeds.indexOf(seed)
          return at < 0 ? '-' : s.values[at]!.toFixed(2)
        })
      })
    }
  }
  if (stat === 'median20') rows.push({ key: 'median-count', label: 'Evaluations per median', cells: summaries.map((s) => medianCountText(s.medianCounts)) })
  const reference = options.reference
  if (reference && results.some((r) => r.variant === reference)) {
    const comparisons = results.map((r) => (r.variant === reference ? null : pairedComparison(usable, reference, r.variant, stat)))
    rows.push(
      { key: 'paired', label: `Paired difference vs ${reference} (95% CI)`, cells: comparisons.map((c) => (c ? pairedText(c) : 'reference')) },
      { key: 'paired-verdict', label: `Verdict vs ${reference}`, cells: comparisons.map((c) => (c ? pairedVerdict(c) : '-')) }
    )
  }
  rows.push(
    { key: 'top-5', label: 'Top-5 (final evaluation)', cells: results.map((r) => formatMeanStd(r.top5, 1)) },
    { key: 'train-time', label: 'Train time', cells: results.map((r) => (r.trainSeconds.length ? formatDuration(meanAndStd(r.trainSeconds).mean) : '-')) },
    { key: 'seeds', label: 'Seeds', cells: results.map(seedsText) }
  )
  return { header: ['Model', ...results.map((r) => methodDescriptor(r.variant).title)], rows }
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
