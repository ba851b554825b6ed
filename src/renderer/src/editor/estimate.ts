// How long an experiment will take, before it is queued: each variant's
// seconds per step measured by finished runs in the store on the backend in
// use, with the same dataset, model, batch size and mu (what sets a step's
// cost), times its steps; then the runs laid out on the slots in queue order,
// each taking the next free slot (the scheduler's rule, as experiment-eta.ts).
// Evaluations are inside a run's train time, so they are counted at the rate
// those runs evaluated. No bench numbers: a bench step is not a FixMatch step.
import type { RunRecord } from '../../../shared/api.ts'
import type { RunConfig, Variant } from '../../../shared/config.ts'

/** What makes two runs' steps cost the same, bar the method. */
const STEP_COST_KEYS = ['dataset', 'model', 'batchSize', 'mu'] as const satisfies readonly (keyof RunConfig)[]

export interface VariantSpeed {
  variant: Variant
  secondsPerStep: number
  /** finished runs measured */
  runs: number
  /** true when no run of this variant matched and another variant's speed stands in */
  borrowed: boolean
}

export type ExperimentEstimate =
  | { known: true; seconds: number; runs: number; slots: number; backend: string | null; speeds: VariantSpeed[] }
  | { known: false; runs: number; slots: number; reason: string }

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Finished runs that measured a step like this config's on this backend (any backend while none is known). */
export function comparableRuns(config: RunConfig, runs: readonly RunRecord[], backend: string | null): RunRecord[] {
  return runs.filter(
    (run) =>
      run.status === 'finished' &&
      run.step > 0 &&
      run.trainSeconds > 0 &&
      (backend === null || run.backend === backend) &&
      STEP_COST_KEYS.every((key) => run.config[key] === config[key])
  )
}

export function estimateExperiment(input: {
  config: RunConfig
  variants: readonly Variant[]
  seeds: number
  /** finished runs from the store (runs/list) */
  runs: readonly RunRecord[]
  /** the backend trainers use now (app/info); null until one has reported */
  backend: string | null
  slots: number
}): ExperimentEstimate {
  const { config, variants, seeds, backend } = input
  const slots = Math.max(1, input.slots)
  const count = variants.length * seeds
  const matching = comparableRuns(config, input.runs, backend)
  if (count === 0) return { known: false, runs: 0, slots, reason: 'no runs to estimate' }
  if (matching.length === 0) {
    const what = `${config.dataset}, ${config.model}, batch ${config.batchSize}, mu ${config.mu}${backend ? ` on ${backend}` : ''}`
    return { known: false, runs: count, slots, reason: `no finished run of ${what} to measure a step yet` }
  }
  const perStep = (list: readonly RunRecord[]) => median(list.map((run) => run.trainSeconds / run.step))
  const speeds: VariantSpeed[] = variants.map((variant) => {
    const own = matching.filter((run) => run.variant === variant)
    const measured = own.length > 0 ? own : matching
    return { variant, secondsPerStep: perStep(measured), runs: measured.length, borrowed: own.length === 0 }
  })
  // runs are queued seed by seed, each over the variants (experiments/create's order)
  const free = Array.from({ length: slots }, () => 0)
  for (let s = 0; s < seeds; s++) {
    for (const speed of speeds) {
      const slot = free.indexOf(Math.min(...free))
      free[slot] += speed.secondsPerStep * config.steps
    }
  }
  return { known: true, seconds: Math.max(...free), runs: count, slots, backend, speeds }
}
