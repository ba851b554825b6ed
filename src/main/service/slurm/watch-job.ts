// Follows one Slurm job's state by polling, with backoff: soon after a change
// (a job starts, ends), seldom while nothing happens, so that many queued runs
// do not hammer the controller. The caller can ask for a prompt look (the
// trainer's connection closed: the job is about to end).
import type { SlurmClient, SlurmJobState } from './client.ts'

export interface PollTiming {
  /** the first wait, and the wait after a change or a nudge */
  minMs: number
  /** the longest wait */
  maxMs: number
  /** each quiet look multiplies the wait by this */
  factor: number
}

export const DEFAULT_POLL: PollTiming = { minMs: 1000, maxMs: 30_000, factor: 1.5 }

export interface JobWatch {
  /** look again soon */
  nudge(): void
  stop(): void
}

export interface WatchListeners {
  /** each state that differs from the one before (state, nodes or reason) */
  onState(state: SlurmJobState): void
  /** once, with the first ended state; polling stops */
  onEnded(state: SlurmJobState): void
  /** a look that failed (the controller did not answer); polling goes on */
  onError(error: Error): void
}

export function watchJob(client: Pick<SlurmClient, 'state'>, jobId: string, listeners: WatchListeners, timing: PollTiming = DEFAULT_POLL): JobWatch {
  let waitMs = timing.minMs
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  let looking = false
  let nudged = false
  let last = ''

  const schedule = (ms: number) => {
    clearTimeout(timer)
    if (!stopped) timer = setTimeout(() => void look(), ms)
  }

  async function look(): Promise<void> {
    if (stopped) return
    looking = true
    nudged = false
    try {
      const state = await client.state(jobId)
      if (stopped) return
      const key = `${state.state}|${state.nodes}|${state.reason}`
      if (key !== last) {
        last = key
        waitMs = timing.minMs
        listeners.onState(state)
      } else {
        waitMs = Math.min(timing.maxMs, waitMs * timing.factor)
      }
      if (state.ended) {
        stopped = true
        listeners.onEnded(state)
        return
      }
    } catch (error) {
      if (stopped) return
      waitMs = Math.min(timing.maxMs, waitMs * timing.factor)
      listeners.onError(error as Error)
    } finally {
      looking = false
    }
    schedule(nudged ? timing.minMs : waitMs)
  }

  schedule(0)
  return {
    nudge() {
      waitMs = timing.minMs
      // a look under way reschedules itself once it is back
      if (looking) nudged = true
      else schedule(timing.minMs)
    },
    stop() {
      stopped = true
      clearTimeout(timer)
    }
  }
}
