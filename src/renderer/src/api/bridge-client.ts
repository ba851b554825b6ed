// The Electron client: the preload exposes one method per command, named as
// the command, answering with an ApiReply, and `on` for the contract's events.
import type { CommandName, EventName, Events, LabClient, Request, Response } from '../../../shared/api.ts'
import type { PortBridge } from '../../../shared/bridge.ts'
import { ApiError, toApiError } from './errors.ts'

/** Any object the preload exposed counts: a missing command is reported when it is called. */
export function isLabBridge(value: unknown): value is PortBridge {
  return typeof value === 'object' && value !== null
}

export class BridgeLabClient implements LabClient {
  constructor(private readonly bridge: PortBridge) {}

  async call<C extends CommandName>(command: C, request: Request<C>): Promise<Response<C>> {
    const method = this.bridge[command] as unknown as ((request: Request<C>) => ReturnType<PortBridge[C]>) | undefined
    if (typeof method !== 'function') throw new ApiError(`This version of the app does not offer "${command}". Update the app.`)
    let reply
    try {
      reply = await method(request)
    } catch (error) {
      // the bridge itself failed (it never rejects for a command's own error)
      throw toApiError(error)
    }
    if (reply.ok) return reply.result as Response<C>
    throw new ApiError(reply.error.message, reply.error.field ? { field: reply.error.field } : {})
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    // an older preload without events: the views still work, they just do not update live
    if (typeof this.bridge.on !== 'function') return () => {}
    return this.bridge.on(event, listener)
  }
}
