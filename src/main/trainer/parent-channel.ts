// The trainer's line to the service: Electron's parentPort inside a utility
// process, the IPC channel of child_process.fork outside Electron.
export interface ParentChannel {
  /** the service's process: the watchdog ends the trainer once it is gone (watchdog.ts) */
  readonly parentPid: number
  send(message: unknown): Promise<void>
  onMessage(listener: (message: unknown) => void): void
  /**
   * The parent went away (the service process died) and the main thread noticed:
   * only fork's IPC channel says so ('disconnect'); Electron's parentPort has no
   * such event, so there the watchdog is what ends an orphan.
   */
  onGone(listener: () => void): void
}

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
  on(event: 'message' | 'disconnect', listener: (...args: never[]) => void): unknown
}

export function parentChannel(proc: TrainerProcessLike = process as unknown as TrainerProcessLike): ParentChannel {
  const parentPid = parentPidOf(proc)
  const port = proc.parentPort
  if (port) {
    return {
      parentPid,
      send: async (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      onGone: () => {}
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
    onGone: (listener) => proc.on('disconnect', listener)
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
