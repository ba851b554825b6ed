// An experiment's results as numbers, one line per variant and statistic
// (final, best, median of the last 20), so a spreadsheet or pandas reads them
// without parsing "86.0 ± 4.0 (n=3)".
import type { Variant } from '../config.ts'
import { meanAndStd } from '../format.ts'
import { runsWithStat, summariseVariant, type SeedResult } from './comparison.ts'
import { csvText } from './csv.ts'
import { RESULT_STATS } from './run-results.ts'

/** A variant's counted runs (one per seed) with what the top-1 statistics leave out. */
export interface VariantRuns {
  variant: Variant
  runs: readonly SeedResult[]
  /** top-5 at the final evaluation, of the runs that recorded it */
  top5: readonly number[]
  trainSeconds: readonly number[]
}

export const RESULTS_CSV_HEADER = ['variant', 'n', 'top1_mean', 'top1_std', 'top5_mean', 'train_seconds', 'statistic'] as const

/** top1_std is the sample std over seeds, empty for fewer than two; top5_mean and train_seconds are over the same runs under every statistic. */
export function resultsCsv(variants: readonly VariantRuns[]): string {
  const lines = variants.flatMap((v) =>
    RESULT_STATS.map((stat) => {
      const summary = summariseVariant(v.variant, runsWithStat(v.runs, stat), stat)
      return [
        v.variant,
        summary.n,
        summary.n ? summary.mean : null,
        summary.n > 1 ? summary.std : null,
        v.top5.length ? meanAndStd([...v.top5]).mean : null,
        v.trainSeconds.length ? meanAndStd([...v.trainSeconds]).mean : null,
        stat
      ]
    })
  )
  return csvText([RESULTS_CSV_HEADER, ...lines])
}
