// One window's port on the service host's side: each call the page sends is
// answered on the same port as an ApiReply (the handler's result, or the
// contract's error with its field), and every contract event is forwarded.
import { COMMAND_NAMES, EVENT_NAMES, type CommandName, type Handlers } from '../../shared/api.ts'
import type { ApiReply, CallMessage, FromHostToPage } from '../../shared/bridge.ts'
import type { EventSource } from '../service/events.ts'
import { toApiError } from '../service/errors.ts'

/** The parts of Electron's MessagePortMain used here (tests hand in node:worker_threads ports, adapted). */
export interface HostPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown
  on(event: 'close', listener: () => void): unknown
  postMessage(message: FromHostToPage): void
  start(): void
  close(): void
}

/** Serves the service's handlers and events on the port; returns the unbinding (which closes the port). */
export function bindWindowPort(port: HostPort, handlers: Handlers, events: EventSource): () => void {
  let open = true
  const send = (message: FromHostToPage) => {
    if (open) port.postMessage(message)
  }
  const reply = (id: number, answer: ApiReply<unknown>) => {
    try {
      send({ kind: 'reply', id, reply: answer })
    } catch (error) {
      // a result the structured clone cannot carry is a bug of ours: the page still gets an answer
      send({ kind: 'reply', id, reply: { ok: false, error: { message: `the answer could not be sent to the window: ${(error as Error).message}` } } })
    }
  }

  port.on('message', ({ data }) => {
    const call = asCall(data)
    if (!call) return
    if (!isCommand(call.command)) {
      reply(call.id, { ok: false, error: { message: `unknown command "${String(call.command)}" (known: ${COMMAND_NAMES.join(', ')})` } })
      return
    }
    const handler = handlers[call.command] as (request: unknown) => Promise<unknown>
    // inside the promise: a handler that throws at once must not take the host down with it
    new Promise((resolve) => resolve(handler(call.request))).then(
      (result) => reply(call.id, { ok: true, result }),
      (error: unknown) => reply(call.id, { ok: false, error: toApiError(error) })
    )
  })

  const unsubscribe = EVENT_NAMES.map((name) => events.on(name, (payload) => send({ kind: 'event', event: name, payload })))
  const unbind = () => {
    if (!open) return
    open = false
    for (const off of unsubscribe) off()
    port.close()
  }
  port.on('close', unbind)
  port.start()
  return unbind
}

/** A call needs an id to be answered at all; anything without one is dropped. */
function asCall(data: unknown): CallMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined
  const { kind, id } = data as Partial<CallMessage>
  return kind === 'call' && Number.isSafeInteger(id) ? (data as CallMessage) : undefined
}

function isCommand(name: unknown): name is CommandName {
  return (COMMAND_NAMES as readonly unknown[]).includes(name)
}
