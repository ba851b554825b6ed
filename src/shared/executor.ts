// Where a run trains: `local`, a trainer process on this machine's slots, or
// `slurm`, a batch job on a cluster (with its Slurm options, shared/slurm.ts).
// Kept with each run, so a queue can mix both.
export const EXECUTORS = ['local', 'slurm'] as const
export type Executor = (typeof EXECUTORS)[number]
