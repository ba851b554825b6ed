// How the service starts a trainer process, injected so the same service runs
// under Node (child_process.fork) and inside Electron (utilityProcess.fork).
import type { ToTrainer } from '../trainer/protocol.ts'
import type { RunConfig } from '../../shared/config.ts'
import type { SlurmJobOptionsInput } from '../../shared/slurm.ts'

export interface TrainerHandle {
  readonly pid: number | undefined
  send(message: ToTrainer): void
  /** raw messages; the service checks them */
  onMessage(listener: (message: unknown) => void): void
  /** each line the trainer prints, for the run's log */
  onOutput(listener: (line: string, stream: 'stdout' | 'stderr') => void): void
  /** once, after the process has gone and every message it sent has been delivered */
  onExit(listener: (code: number | null, signal: string | null) => void): void
  /** ends the process at once (SIGKILL where there are signals) */
  kill(): void
  /** a trainer run as a cluster job: its job id, once the cluster has accepted the job */
  onJobSubmitted?(listener: (jobId: string) => void): void
  /** a trainer run as a cluster job: each new state of its job (PENDING, RUNNING on a node, ...) */
  onJobState?(listener: (state: JobState) => void): void
  /** a trainer that holds what it sent until it is recorded: all received so far is (the session calls it after each write) */
  acknowledge?(): void
  /** a cluster job: let go of it without ending it (the service stops; the next one re-attaches); no exit follows */
  detach?(): void
}

/** A cluster job's state as the queue shows it. */
export interface JobState {
  state: string
  /** the nodes it runs on (empty while pending) */
  nodes: string
  /** why it is pending or how it ended, in the cluster's words */
  reason: string
}

/** The run a trainer is started for: an executor may place it by its config (a local fork, a cluster job). */
export interface LaunchRequest {
  runId: number
  config: RunConfig
  /** a slurm run's job options (partition, GPUs, time limit, ...), kept with the run */
  slurm?: SlurmJobOptionsInput | null
  /** a cluster job an earlier service submitted for this run and left running: attach to it instead of submitting one */
  jobId?: string
}

/** Starts one trainer per run on a free slot: the seam where another executor (Slurm) starts runs instead. */
export interface TrainerLauncher {
  launch(run: LaunchRequest): TrainerHandle
}

/** Splits a stream of text chunks into lines. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; end(): void } {
  let rest = ''
  return {
    push(chunk) {
      const lines = (rest + chunk).split(/\r?\n/)
      rest = lines.pop() ?? ''
      for (const line of lines) if (line.trim()) onLine(line)
    },
    end() {
      if (rest.trim()) onLine(rest)
      rest = ''
    }
  }
}

type OutputListener = (line: string, stream: 'stdout' | 'stderr') => void
interface TextOutput {
  setEncoding(encoding: 'utf8'): unknown
  on(event: 'data', listener: (chunk: string) => void): unknown
  on(event: 'end', listener: () => void): unknown
}

/** Sends a child's stdout and stderr, line by line, to the listeners (which may be added later). */
export function forwardOutputLines(child: { stdout?: TextOutput | null; stderr?: TextOutput | null }): OutputListener[] {
  const listeners: OutputListener[] = []
  for (const stream of ['stdout', 'stderr'] as const) {
    const lines = lineSplitter((line) => listeners.forEach((listener) => listener(line, stream)))
    child[stream]?.setEncoding('utf8')
    child[stream]?.on('data', (chunk: string) => lines.push(chunk))
    child[stream]?.on('end', () => lines.end())
  }
  return listeners
}
