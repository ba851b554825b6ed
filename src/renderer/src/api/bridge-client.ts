// The Electron client: the preload exposes one method per command, named as
// the command, and `on` for the contract's events.
import type { CommandName, EventName, Events, LabBridge, LabClient, Request, Response } from '../../../shared/api.ts'
import { ApiError, toApiError } from './errors.ts'

export type { LabBridge }

/** Any object the preload exposed counts: a missing command is reported when it is called. */
export function isLabBridge(value: unknown): value is LabBridge {
  return typeof value === 'object' && value !== null
}

export class BridgeLabClient implements LabClient {
  constructor(private readonly bridge: LabBridge) {}

  async call<C extends CommandName>(command: C, request: Request<C>): Promise<Response<C>> {
    const method = this.bridge[command] as unknown as ((request: Request<C>) => Promise<Response<C>>) | undefined
    if (typeof method !== 'function') throw new ApiError(`This version of the app does not offer "${command}". Update the app.`)
    try {
      return await method(request)
    } catch (error) {
      throw toApiError(error)
    }
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    // an older preload without events: the views still work, they just do not update live
    if (typeof this.bridge.on !== 'function') return () => {}
    return this.bridge.on(event, listener)
  }
}
