// How long until each experiment in the queue is done, with the slots: the
// running runs hold their slots for their own ETA, and the queued runs take
// the next free slot in queue order (the scheduler's rule), each needing its
// remaining steps at the seconds per step measured so far. Paused and
// interrupted runs wait for a person, so they are not counted.
import type { Progress, RunRecord } from '../../../shared/api.ts'

export interface ExperimentEta {
  experimentId: number
  /** runs still to train (running and queued) */
  runsLeft: number
  /** undefined until a running run has measured its speed */
  seconds: number | undefined
  /** paused or interrupted runs left out of the estimate */
  held: number
}

/** Seconds per step of a running run, from its progress (ETA over the steps it has left). */
function secondsPerStep(progress: Progress | undefined): number | undefined {
  if (!progress || progress.totalSteps <= progress.step || !Number.isFinite(progress.etaSeconds)) return undefined
  return progress.etaSeconds / (progress.totalSteps - progress.step)
}

/**
 * queue: the running runs, then the waiting ones in queue order (as 'queue/list' answers).
 * slots: runs trained at once.
 */
export function experimentEtas(queue: readonly RunRecord[], progress: ReadonlyMap<number, Progress>, slots: number): ExperimentEta[] {
  const running = queue.filter((run) => run.status === 'running')
  const waiting = queue.filter((run) => run.status === 'queued')
  // the speed of a run of the same experiment (same config but variant and seed), else of any running run
  const speeds = running
    .map((run) => ({ experimentId: run.experimentId, perStep: secondsPerStep(progress.get(run.id)) }))
    .filter((s) => s.perStep !== undefined)
  const speedFor = (run: RunRecord) => (speeds.find((s) => s.experimentId === run.experimentId) ?? speeds[0])?.perStep

  // when each slot is next free, in seconds from now (Infinity: not known yet)
  const doneAt = new Map<number, number>()
  const free: number[] = running.map((run) => {
    const eta = progress.get(run.id)?.etaSeconds
    const at = eta !== undefined && Number.isFinite(eta) ? eta : Infinity
    doneAt.set(run.id, at)
    return at
  })
  while (free.length < slots) free.push(0)
  // more running than slots (lowered while they train): a queued run starts only once enough have ended
  if (free.length > slots) free.sort((a, b) => b - a).splice(slots)
  for (const run of waiting) {
    const perStep = speedFor(run)
    const slot = free.indexOf(Math.min(...free))
    free[slot] += perStep === undefined ? Infinity : perStep * Math.max(0, run.totalSteps - run.step)
    doneAt.set(run.id, free[slot])
  }

  const byExperiment = new Map<number, ExperimentEta>()
  for (const run of queue) {
    if (run.experimentId === null) continue
    const entry = byExperiment.get(run.experimentId) ?? { experimentId: run.experimentId, runsLeft: 0, seconds: 0, held: 0 }
    byExperiment.set(run.experimentId, entry)
    if (run.status === 'paused' || run.status === 'interrupted') {
      entry.held++
      continue
    }
    entry.runsLeft++
    const at = doneAt.get(run.id) ?? Infinity
    entry.seconds = !Number.isFinite(at) || entry.seconds === undefined ? undefined : Math.max(entry.seconds, at)
  }
  return [...byExperiment.values()].filter((entry) => entry.runsLeft > 0)
}
