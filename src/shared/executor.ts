// Where a run trains: `local`, a trainer process on this machine's slots, or
// `slurm`, a batch job on a cluster (with its Slurm options, shared/slurm.ts).
// Kept with each run, so a queue can mix both.
export const EXECUTORS = ['local', 'slurm'] as const
export type Executor = (typeof EXECUTORS)[number]

/** Where a run trains, in words for the queue (CLI and app): "local", or "slurm job 12 RUNNING on node1". */
export function placementText(run: {
  executor?: Executor
  slurmJobId?: string | null
  slurmJob?: { state: string; nodes: string; reason: string } | null
}): string {
  if (run.executor !== 'slurm') return 'local'
  const job = run.slurmJobId ? ` job ${run.slurmJobId}` : ''
  const state = run.slurmJob
    ? ` ${run.slurmJob.state}${run.slurmJob.nodes ? ` on ${run.slurmJob.nodes}` : run.slurmJob.reason && run.slurmJob.reason !== 'None' ? ` (${run.slurmJob.reason})` : ''}`
    : ''
  return `slurm${job}${state}`
}
