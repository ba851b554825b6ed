// The top-1 rows of a results table, the same in the CLI's `compare` and the
// Results view: the chosen statistic as mean ± sample std (n), optionally one row
// per seed, how many evaluations each median covers, and the paired difference
// of every variant from a reference with its 95% interval and verdict.
import type { Variant } from '../config.ts'
import { medianCountText, meanStdText, pairedComparison, pairedText, pairedVerdict, runsWithStat, summariseVariant, type SeedResult } from './comparison.ts'
import { STAT_TITLES, type ResultStat } from './run-results.ts'

export interface TableOptions {
  /** which top-1 the table shows; final if left out */
  stat?: ResultStat
  /** a row per seed with its value */
  perSeed?: boolean
  /** show every other variant's paired difference from this one */
  reference?: Variant | null
}

export interface TableRow {
  /** a stable name for test ids (the label changes with the statistic); else from the label */
  key?: string
  label: string
  cells: string[]
  /** the number behind each cell (null for none), where the row has a best value */
  values?: (number | null)[]
  /** which way is best, for a row with values */
  better?: 'higher' | 'lower'
  /** the decimals the cells show: values equal at that precision tie */
  digits?: number
  /** the runs behind each cell, for its link */
  runIds?: number[][]
}

/** One column per variant, in the order given; `runs` holds every column's finished runs, one per seed. */
export function topOneRows(variants: readonly Variant[], runs: readonly SeedResult[], options: TableOptions = {}): TableRow[] {
  const stat = options.stat ?? 'final'
  const usable = runsWithStat(runs, stat)
  const summaries = variants.map((variant) => summariseVariant(variant, usable, stat))
  const rows: TableRow[] = [
    {
      key: 'top-1',
      label: `Top-1 (${STAT_TITLES[stat]})`,
      cells: summaries.map((s) => meanStdText(s)),
      values: summaries.map((s) => (s.n ? s.mean : null)),
      better: 'higher',
      digits: 1,
      runIds: summaries.map((s) => s.runIds)
    }
  ]
  if (options.perSeed) {
    const seeds = [...new Set(summaries.flatMap((s) => s.seeds))].sort((a, b) => a - b)
    for (const seed of seeds) {
      const at = summaries.map((s) => s.seeds.indexOf(seed))
      const values = summaries.map((s, i) => (at[i]! < 0 ? null : s.values[at[i]!]!))
      rows.push({
        key: `top-1-seed-${seed}`,
        label: `seed ${seed}`,
        cells: values.map((value) => (value === null ? '-' : value.toFixed(2))),
        values,
        better: 'higher',
        digits: 2,
        runIds: summaries.map((s, i) => (at[i]! < 0 || s.runIds[at[i]!] === undefined ? [] : [s.runIds[at[i]!]!]))
      })
    }
  }
  if (stat === 'median20') rows.push({ key: 'median-count', label: 'Evaluations per median', cells: summaries.map((s) => medianCountText(s.medianCounts)) })
  const reference = options.reference
  if (reference && variants.includes(reference)) {
    const comparisons = variants.map((variant) => (variant === reference ? null : pairedComparison(usable, reference, variant, stat)))
    rows.push(
      { key: 'paired', label: `Paired difference vs ${reference} (95% CI)`, cells: comparisons.map((c) => (c ? pairedText(c) : 'reference')) },
      { key: 'paired-verdict', label: `Verdict vs ${reference}`, cells: comparisons.map((c) => (c ? pairedVerdict(c) : '-')) }
    )
  }
  return rows
}
