// What crosses the MessagePort between a window's preload and the service
// host: calls one way, replies and events the other, all as structured data
// (no error squeezed into a message string).
import type { ApiError, CommandName, EventName, Events, Request, Response } from './api.ts'

/** A command's answer: its result, or the contract's error with the field at fault. */
export type ApiReply<T> = { ok: true; result: T } | { ok: false; error: ApiError }

export interface CallMessage {
  kind: 'call'
  /** chosen by the page, unique per port; the reply carries it back */
  id: number
  command: CommandName
  request: unknown
}

export interface ReplyMessage {
  kind: 'reply'
  id: number
  reply: ApiReply<unknown>
}

export interface EventMessage {
  kind: 'event'
  event: EventName
  payload: unknown
}

export type FromHostToPage = ReplyMessage | EventMessage

/** window.fixmatchLab: one method per command, answering with an ApiReply, and `on` for the contract's events. */
export type PortBridge = { [C in CommandName]: (request: Request<C>) => Promise<ApiReply<Response<C>>> } & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
}

/** The channel on which Electron's main process hands a window's preload its port to the service host. */
export const SERVICE_PORT_CHANNEL = 'fixmatch-lab:service-port'
