// The trainer's line to the service: Electron's parentPort inside a utility
// process, the IPC channel of child_process.fork outside Electron, or a TCP
// connection to the service for a trainer started as a Slurm job on another
// node (socket-link.ts; the job script sets CONNECT_FILE_ENV), kept across
// the service's restarts (service-link.ts).
import { CONNECT_FILE_ENV } from './socket-link.ts'
import { reconnectGraceMs, ServiceLink } from './service-link.ts'

export interface ParentChannel {
  /**
   * the service's process: the watchdog ends the trainer once it is gone (watchdog.ts);
   * undefined over a socket (the service may run on another host): there the closed connection says so
   */
  readonly parentPid: number | undefined
  send(message: unknown): Promise<void>
  onMessage(listener: (message: unknown) => void): void
  /**
   * The parent went away (the service process died) and the main thread noticed:
   * only fork's IPC channel says so ('disconnect'); Electron's parentPort has no
   * such event, so there the watchdog is what ends an orphan.
   */
  onGone(listener: () => void): void
  /**
   * The job is asked to end (a Slurm time limit's --signal, a scancel, a pre-emption): the trainer
   * checkpoints and exits without its last word, so the service resumes the run with a new job.
   * Only a trainer on a socket gets this; a forked one is paused or stopped by its parent.
   */
  onEndRequested(listener: (why: string) => void): void
  /** after the last message: resolves once what was sent has left (then the process may exit) */
  end(): Promise<void>
}

/** A socket's close after our end is awaited this long at most. */
const END_WAIT_MS = 5000

/** Set by both launchers to the service's pid (a utility process need not be Electron main's direct child). */
export const PARENT_PID_ENV = 'FIXMATCH_LAB_PARENT_PID'

export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

/** The parts of `process` used here, so tests can hand in a fake parent port. */
export interface TrainerProcessLike {
  parentPort?: ParentPortLike
  env: Record<string, string | undefined>
  ppid: number
  connected?: boolean
  send?: (message: unknown, sendHandle: undefined, options: object, callback: (error: Error | null) => void) => boolean
  on(event: 'message' | 'disconnect' | 'SIGUSR1' | 'SIGTERM', listener: (...args: never[]) => void): unknown
}

export function parentChannel(proc: TrainerProcessLike = process as unknown as TrainerProcessLike): ParentChannel {
  const connectFile = proc.env[CONNECT_FILE_ENV]
  if (connectFile) return socketChannel(connectFile, proc)
  const parentPid = parentPidOf(proc)
  const port = proc.parentPort
  if (port) {
    return {
      parentPid,
      send: async (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      onGone: () => {},
      onEndRequested: () => {},
      // a utility process's port has no callback: give it time to deliver
      end: () => new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  if (!proc.send) throw new Error('the trainer process must be started by the lab service (no IPC channel to a parent)')
  return {
    parentPid,
    send: (message) =>
      new Promise((resolve) => {
        if (!proc.connected) return resolve()
        proc.send!(message, undefined, {}, () => resolve())
      }),
    onMessage: (listener) => proc.on('message', listener),
    onGone: (listener) => proc.on('disconnect', listener),
    onEndRequested: () => {},
    // fork's send has called back: the message is in the channel
    end: async () => {}
  }
}

/** The service's connect file names its address and this launch's token; the link keeps the connection across service restarts. */
function socketChannel(connectFile: string, proc: TrainerProcessLike): ParentChannel {
  const link = new ServiceLink({
    connectFile,
    jobId: proc.env.SLURM_JOB_ID,
    graceMs: reconnectGraceMs(proc.env),
    // the reason goes to the job's stderr
    report: (line) => console.error(line)
  })
  return {
    parentPid: undefined,
    send: (message) => link.send(message),
    onMessage: (listener) => link.onMessage(listener),
    // no service came back within the grace period
    onGone: (listener) => link.onGone(listener),
    onEndRequested(listener) {
      // sbatch --signal=B:USR1@<seconds> before the time limit; SIGTERM from scancel or a pre-emption
      proc.on('SIGUSR1', () => listener('SIGUSR1 from Slurm (the time limit is near)'))
      proc.on('SIGTERM', () => listener('SIGTERM from Slurm (the job is cancelled or pre-empted)'))
    },
    // once the service has recorded everything, end, then wait for its end: exiting with its bytes unread could reset the connection
    end: () => link.end(END_WAIT_MS)
  }
}

/** The parent's pid: PARENT_PID_ENV where a launcher set it, else the OS parent. */
export function parentPidOf(proc: Pick<TrainerProcessLike, 'env' | 'ppid'>): number {
  const given = proc.env[PARENT_PID_ENV]
  if (given === undefined) return proc.ppid
  const pid = Number(given)
  if (!Number.isSafeInteger(pid) || pid <= 1) throw new Error(`${PARENT_PID_ENV} must be the lab service's process id, got "${given}"`)
  return pid
}
