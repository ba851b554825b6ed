// Whether a checkpoint may continue this run. Its config was read with the
// defaults of keys added since it was written (checkpoint/format.ts), so a run
// paused before a new method's keys existed still matches.
import { canonicalConfig, type RunConfig } from '../../shared/config.ts'
import type { TrainingState } from '../checkpoint/format.ts'

/** Why the checkpoint cannot resume this run (another split, another config), or undefined when it can. */
export function checkpointMismatch(state: TrainingState, config: RunConfig, splitHash: string): string | undefined {
  if (state.splitHash !== splitHash) return `it was made on split ${state.splitHash}, this run's data gives ${splitHash}`
  if (canonicalConfig(state.config) !== canonicalConfig(config)) return 'it was made with a different config'
  return undefined
}
