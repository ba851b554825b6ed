// The trainer's line to the service: Electron's parentPort inside a utility
// process, the IPC channel of child_process.fork outside Electron.
export interface ParentChannel {
  send(message: unknown): Promise<void>
  onMessage(listener: (message: unknown) => void): void
  /** the parent went away (the service process died): nobody records what we do any more */
  onGone(listener: () => void): void
}

interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

export function parentChannel(): ParentChannel {
  const port = (process as unknown as { parentPort?: ParentPortLike }).parentPort
  if (port) {
    return {
      send: async (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      // Electron ends utility processes with their parent
      onGone: () => {}
    }
  }
  if (!process.send) throw new Error('the trainer process must be started by the lab service (no IPC channel to a parent)')
  return {
    send: (message) =>
      new Promise((resolve) => {
        if (!process.connected) return resolve()
        process.send!(message, undefined, {}, () => resolve())
      }),
    onMessage: (listener) => process.on('message', listener),
    onGone: (listener) => process.on('disconnect', listener)
  }
}
