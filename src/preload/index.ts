// The typed bridge: one method per contract command, named as the command,
// and `on` for the contract's events. They travel over a MessagePort to the
// service host, which main hands this preload (and only this preload: the page
// never sees the port). Replies are structured ({ ok, result } | { ok: false,
// error }); nothing else crosses: no channel names from the page, no IPC
// event objects handed back.
import { contextBridge, ipcRenderer } from 'electron'
import { COMMAND_NAMES, EVENT_NAMES, type CommandName, type EventName } from '../shared/api.ts'
import { SERVICE_PORT_CHANNEL, type ApiReply, type CallMessage, type FromHostToPage, type PortBridge } from '../shared/bridge.ts'

/** The parts of the page's MessagePort used here. */
interface ServicePort {
  postMessage(message: CallMessage): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  start(): void
  close(): void
}

const RESTARTED: ApiReply<never> = { ok: false, error: { message: 'The lab service stopped while answering and was started again: try once more.' } }

let port: ServicePort | undefined
let nextId = 1
/** calls sent on the current port, by id, until their reply */
const pending = new Map<number, (reply: ApiReply<unknown>) => void>()
/** calls made before the first port arrived */
const waiting: CallMessage[] = []
const listeners = new Map<EventName, Set<(payload: unknown) => void>>()

// a new port: the first one, one after a reload, or one to a restarted host (the old one's calls will never be answered)
ipcRenderer.on(SERVICE_PORT_CHANNEL, (event) => {
  const next = event.ports[0] as unknown as ServicePort | undefined
  if (!next) return
  if (port) {
    port.close()
    for (const settle of pending.values()) settle(RESTARTED)
    pending.clear()
  }
  port = next
  next.addEventListener('message', ({ data }) => receive(data as FromHostToPage))
  next.start()
  for (const call of waiting.splice(0)) next.postMessage(call)
})

function receive(message: FromHostToPage): void {
  if (message?.kind === 'reply') {
    const settle = pending.get(message.id)
    pending.delete(message.id)
    settle?.(message.reply)
  } else if (message?.kind === 'event') {
    for (const listener of [...(listeners.get(message.event) ?? [])]) listener(message.payload)
  }
}

function call(command: CommandName, request: unknown): Promise<ApiReply<unknown>> {
  const message: CallMessage = { kind: 'call', id: nextId++, command, request }
  return new Promise((resolve) => {
    pending.set(message.id, resolve)
    if (port) port.postMessage(message)
    else waiting.push(message)
  })
}

function on(event: EventName, listener: (payload: unknown) => void): () => void {
  if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`unknown event "${String(event)}" (known: ${EVENT_NAMES.join(', ')})`)
  if (typeof listener !== 'function') throw new Error('on(event, listener) needs a function')
  const set = listeners.get(event) ?? new Set()
  listeners.set(event, set)
  // a wrapper per subscription: the same function subscribed twice is two subscriptions
  const forward = (payload: unknown) => listener(payload)
  set.add(forward)
  return () => void set.delete(forward)
}

const commands = Object.fromEntries(COMMAND_NAMES.map((name) => [name, (request: unknown) => call(name, request)]))
const bridge = { ...commands, on } as unknown as PortBridge

contextBridge.exposeInMainWorld('fixmatchLab', bridge)
