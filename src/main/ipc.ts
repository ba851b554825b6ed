// Electron IPC, thin: each contract command is one ipcMain.handle channel named
// as the command, calling the service's handler; each contract event goes to
// every window on a channel named as the event. Only our own pages may call.
import { COMMAND_NAMES, EVENT_NAMES, type Handlers } from '../shared/api.ts'
import type { EventSource } from './service/events.ts'
import { toApiError } from './service/errors.ts'

/** The parts of Electron's ipcMain and windows used here (tests pass fakes). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}

export interface WindowLike {
  webContents: { send(channel: string, payload: unknown): void; isDestroyed(): boolean }
}

export interface IpcOptions {
  windows: () => WindowLike[]
  /** whether a page at this URL is ours (the built renderer, or the dev server) */
  isTrusted: (url: string) => boolean
}

/** Binds every command and event; returns the unbinding. */
export function bindIpc(ipc: IpcMainLike, handlers: Handlers, events: EventSource, options: IpcOptions): () => void {
  for (const name of COMMAND_NAMES) {
    ipc.handle(name, async (event, request) => {
      const url = event.senderFrame?.url ?? ''
      if (!options.isTrusted(url)) throw new Error(JSON.stringify({ message: `"${name}" refused: the calling page (${url || 'unknown'}) is not FixMatch Lab's` }))
      try {
        return await (handlers[name] as (request: unknown) => Promise<unknown>)(request)
      } catch (error) {
        // IPC keeps only an error's message: the contract's { message, field } travels in it as JSON
        throw new Error(JSON.stringify(toApiError(error)), { cause: error })
      }
    })
  }
  const unsubscribe = EVENT_NAMES.map((name) =>
    events.on(name, (payload) => {
      for (const window of options.windows()) if (!window.webContents.isDestroyed()) window.webContents.send(name, payload)
    })
  )
  return () => {
    for (const name of COMMAND_NAMES) ipc.removeHandler(name)
    for (const off of unsubscribe) off()
  }
}
