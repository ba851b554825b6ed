// `compare`'s closing table and its --json rows: top-1 under the statistic asked
// for (--stat), per seed on demand (--per-seed), the paired difference from a
// reference variant (--paired), then top-5, train time and seeds.
import type { Variant } from '../shared/config.ts'
import { formatDuration, formatMeanStd, meanAndStd } from '../shared/format.ts'
import { pairedComparison, summariseVariant, type SeedResult } from '../shared/results/comparison.ts'
import { isResultStat, RESULT_STATS, type ResultStat } from '../shared/results/run-results.ts'
import { topOneRows, type TableOptions } from '../shared/results/table-rows.ts'
import { CliError } from './args.ts'

/** One variant's finished runs, one per seed. */
export interface CompareColumn {
  variant: Variant
  runs: SeedResult[]
  top5: number[]
  /** wall seconds of each run */
  trainSeconds: number[]
}

export function parseStatFlag(text: string | undefined): ResultStat {
  if (text === undefined) return 'final'
  if (!isResultStat(text)) throw new CliError(`--stat: "${text}" is not a statistic (${RESULT_STATS.join(', ')})`)
  return text
}

/** The reference variant of --paired: one of those compared. */
export function parsePairedFlag(text: string | undefined, variants: readonly Variant[]): Variant | null {
  if (text === undefined) return null
  const reference = variants.find((variant) => variant === text)
  if (!reference) throw new CliError(`--paired: "${text}" is not one of the compared variants (${variants.join(', ')})`)
  return reference
}

export function formatCompareTable(columns: readonly CompareColumn[], options: TableOptions): string {
  const header = ['Model', ...columns.map((c) => c.variant)]
  const lines = [
    ...topOneRows(
      columns.map((c) => c.variant),
      columns.flatMap((c) => c.runs),
      options
    ).map((row) => [row.label, ...row.cells]),
    ['Top-5 (final evaluation)', ...columns.map((c) => formatMeanStd(c.top5))],
    ['Train time', ...columns.map((c) => formatDuration(meanAndStd(c.trainSeconds).mean))],
    ['Seeds', ...columns.map((c) => c.runs.map((run) => run.seed).join(','))]
  ]
  const widths = header.map((_, i) => Math.max(...[header, ...lines].map((row) => row[i]!.length)))
  const fmt = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`
  return [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n')
}

/** The --json rows (top1Mean, top1Std and top1PerSeed under the statistic) and, with a reference, the paired differences. */
export function compareJson(columns: readonly CompareColumn[], options: { stat: ResultStat; reference: Variant | null }) {
  const all = columns.flatMap((c) => c.runs)
  const rows = columns.map((column) => {
    const summary = summariseVariant(column.variant, all, options.stat)
    return {
      variant: column.variant,
      stat: options.stat,
      top1Mean: summary.mean,
      top1Std: summary.std,
      n: summary.n,
      top5Mean: meanAndStd(column.top5).mean,
      trainSeconds: meanAndStd(column.trainSeconds).mean,
      seeds: summary.seeds,
      top1PerSeed: summary.values,
      perSeed: column.runs.map((run) => ({ seed: run.seed, ...run.results }))
    }
  })
  const reference = options.reference
  const paired = reference
    ? columns
        .filter((column) => column.variant !== reference)
        .map((column) => {
          const { seeds, differences, interval } = pairedComparison(all, reference, column.variant, options.stat)
          return { variant: column.variant, reference, seeds, differences, mean: interval.mean, low: interval.low, high: interval.high, n: interval.n }
        })
    : undefined
  return { rows, ...(paired ? { paired } : {}) }
}
