// The typed bridge: one method per contract command, named as the command,
// and `on` for the contract's events. Nothing else crosses: no channel names
// from the page, no IPC event objects handed back.
import { contextBridge, ipcRenderer } from 'electron'
import { COMMAND_NAMES, EVENT_NAMES, type EventName, type LabBridge } from '../shared/api.ts'

const commands = Object.fromEntries(COMMAND_NAMES.map((name) => [name, (request: unknown) => ipcRenderer.invoke(name, request)]))

function on(event: EventName, listener: (payload: unknown) => void): () => void {
  if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`unknown event "${String(event)}" (known: ${EVENT_NAMES.join(', ')})`)
  if (typeof listener !== 'function') throw new Error('on(event, listener) needs a function')
  // the page gets the payload only, never the IPC event (it would reach ipcRenderer)
  const forward = (_event: unknown, payload: unknown) => listener(payload)
  ipcRenderer.on(event, forward)
  return () => void ipcRenderer.removeListener(event, forward)
}

const bridge = { ...commands, on } as unknown as LabBridge

contextBridge.exposeInMainWorld('fixmatchLab', bridge)
