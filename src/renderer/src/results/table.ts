// The study's table for one experiment: a column per variant with top-1 and
// top-5 as mean ± std over seeds and the mean train time; and its CSV text.
import type { RunRecord } from '../../../shared/api.ts'
import { VARIANTS, type Variant } from '../../../shared/config.ts'
import { formatDuration, formatMeanStd, meanAndStd } from '../../../shared/format.ts'
import { methodDescriptor } from '../../../shared/methods/index.ts'

export interface VariantResult {
  variant: Variant
  /** finished runs counted, one per seed */
  seeds: number[]
  top1: number[]
  top5: number[]
  trainSeconds: number[]
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
      pending: mine.filter((run) => PENDING.has(run.status)).length,
      failed: mine.filter((run) => run.status === 'failed' || run.status === 'cancelled').length
    })
  }
  return results
}

export interface ResultsTable {
  header: string[]
  rows: { label: string; cells: string[] }[]
}

export function resultsTable(results: readonly VariantResult[]): ResultsTable {
  return {
    header: ['Model', ...results.map((r) => methodDescriptor(r.variant).title)],
    rows: [
      { label: 'Top-1', cells: results.map((r) => formatMeanStd(r.top1, 1)) },
      { label: 'Top-5', cells: results.map((r) => formatMeanStd(r.top5, 1)) },
      { label: 'Train time', cells: results.map((r) => (r.trainSeconds.length ? formatDuration(meanAndStd(r.trainSeconds).mean) : '-')) },
      { label: 'Seeds', cells: results.map(seedsText) }
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
