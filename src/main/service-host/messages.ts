// Electron main <-> service host, over the utility process's parentPort.
// Windows' ports travel with 'connect'; everything a window says goes over its
// port (src/shared/bridge.ts), never through main.

export interface OpenMessage {
  type: 'open'
  homeDir: string
  appVersion: string
  /** the bundled trainer entry (out/main/trainer-process.js), which the host forks as plain Node */
  trainerEntry: string
}

export type ToHost =
  | OpenMessage
  /** carries one port: the host end of a new window channel */
  | { type: 'connect'; windowId: number }
  | { type: 'disconnect'; windowId: number }
  /** pause running runs with a checkpoint (back at the head of the queue), close the store, then exit */
  | { type: 'close'; graceMs: number }

export type FromHost = { type: 'ready' } | { type: 'open-failed'; message: string } | { type: 'closed' }
