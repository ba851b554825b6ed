// The headless client: commands as POST /api/<command> with the bearer token
// when the page has one (else the session cookie the server set lets it in),
// events over one WebSocket that reconnects with backoff when it drops, until
// the service says the page is refused (its token was rotated: serve --new-token).
import type { CommandName, EventName, Events, LabClient, Request, Response } from '../../../shared/api.ts'
import { ConnectionTracker, type Connection } from './connection.ts'
import { ApiError } from './errors.ts'

/** The part of the WebSocket API the client uses (a fake one in tests). */
export interface SocketLike {
  onopen: ((event: unknown) => void) | null
  onclose: ((event: unknown) => void) | null
  onerror: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  close(): void
}

export interface HttpClientOptions {
  /** e.g. "http://127.0.0.1:4310" */
  baseUrl: string
  /** '' when the page came without one: the session cookie is then its access */
  token: string
  fetch?: typeof fetch
  openSocket?: (url: string) => SocketLike
  /** first reconnect delay; doubles up to maxDelayMs */
  initialDelayMs?: number
  maxDelayMs?: number
  setTimer?: (callback: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
}

type Listener = (payload: never) => void

export class HttpLabClient implements LabClient {
  readonly connection: Connection
  private readonly tracker = new ConnectionTracker('connecting')
  private readonly listeners = new Map<EventName, Set<Listener>>()
  private readonly fetchFn: typeof fetch
  private readonly openSocket: (url: string) => SocketLike
  private readonly initialDelayMs: number
  private readonly maxDelayMs: number
  private readonly setTimer: (callback: () => void, ms: number) => unknown
  private readonly clearTimer: (handle: unknown) => void
  private socket: SocketLike | null = null
  private retryTimer: unknown = null
  private delayMs: number
  private stopped = false
  /** whether the service ever let this page in: a later 401 means its token was rotated */
  private accepted = false

  constructor(private readonly options: HttpClientOptions) {
    this.connection = this.tracker
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init))
    this.openSocket = options.openSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike)
    this.initialDelayMs = options.initialDelayMs ?? 500
    this.maxDelayMs = options.maxDelayMs ?? 15_000
    this.delayMs = this.initialDelayMs
    this.setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms))
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>))
  }

  async call<C extends CommandName>(command: C, request: Request<C>): Promise<Response<C>> {
    let response: globalThis.Response
    try {
      response = await this.fetchFn(`${this.options.baseUrl}/api/${command}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(this.options.token ? { Authorization: `Bearer ${this.options.token}` } : {}) },
        // commands without a request still get a JSON body the server can parse
        body: JSON.stringify(request ?? {})
      })
    } catch {
      throw new ApiError(`Cannot reach the lab service at ${this.options.baseUrl}. Is \`fixmatch-lab serve\` still running?`)
    }
    const body = await readJson(response)
    if (response.status === 401) {
      this.refused()
      throw new ApiError(this.accepted ? TOKEN_REFUSED : TOKEN_WRONG, { status: 401 })
    }
    if (!response.ok) throw errorFrom(response, body)
    this.accepted = true
    if (typeof body !== 'object' || body === null || !('result' in body)) {
      throw new ApiError(`The lab service answered "${command}" without a result; the page and the service may be different versions.`, {
        status: response.status
      })
    }
    return (body as { result: Response<C> }).result
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as Listener)
    return () => set.delete(listener as Listener)
  }

  /** Opens the event socket; called once by createLabClient. */
  connect(): void {
    this.stopped = false
    this.open()
  }

  /** Closes the socket for good (no reconnect). */
  close(): void {
    this.stopped = true
    if (this.retryTimer !== null) this.clearTimer(this.retryTimer)
    this.retryTimer = null
    this.socket?.close()
    this.socket = null
    this.tracker.set('closed')
  }

  /** The token is no longer taken: stop retrying, and say so. */
  private refused(): void {
    this.close()
    this.tracker.set('refused')
  }

  private open(): void {
    const wsBase = this.options.baseUrl.replace(/^http/, 'ws')
    const query = this.options.token ? `?token=${encodeURIComponent(this.options.token)}` : ''
    const socket = this.openSocket(`${wsBase}/events${query}`)
    this.socket = socket
    this.tracker.set(this.tracker.state === 'open' ? 'connecting' : this.tracker.state)
    socket.onopen = () => {
      this.accepted = true
      this.delayMs = this.initialDelayMs
      this.tracker.set('open')
    }
    socket.onmessage = (message) => this.dispatch(message.data)
    // onerror is always followed by onclose; reconnect from one place only
    socket.onerror = () => {}
    socket.onclose = () => {
      if (this.socket !== socket) return
      this.socket = null
      this.tracker.set('closed')
      if (this.stopped) return
      this.scheduleReconnect()
      // a browser does not tell why a WebSocket failed: ask with a command,
      // whose 401 (the token was rotated) ends the retrying
      this.call('app/info', undefined).catch(() => undefined)
    }
  }

  private scheduleReconnect(): void {
    const delay = this.delayMs
    this.delayMs = Math.min(this.delayMs * 2, this.maxDelayMs)
    this.retryTimer = this.setTimer(() => {
      this.retryTimer = null
      if (!this.stopped) this.open()
    }, delay)
  }

  private dispatch(data: unknown): void {
    if (typeof data !== 'string') return
    let frame: unknown
    try {
      frame = JSON.parse(data)
    } catch {
      return
    }
    if (typeof frame !== 'object' || frame === null) return
    const { event, payload } = frame as { event?: unknown; payload?: unknown }
    const set = typeof event === 'string' ? this.listeners.get(event as EventName) : undefined
    if (!set) return
    for (const listener of [...set]) {
      // one broken view must not starve the others of events
      try {
        ;(listener as (payload: unknown) => void)(payload)
      } catch (error) {
        console.error(`listener for "${String(event)}" failed`, error)
      }
    }
  }
}

async function readJson(response: globalThis.Response): Promise<unknown> {
  try {
    return await response.json()
  } catch {
    return undefined
  }
}

/** Why a 401 reached a page that was let in before: a restart keeps the home's token, a rotation does not. */
const TOKEN_REFUSED =
  "The lab service's access token was replaced (`fixmatch-lab serve --new-token`), so it no longer lets this page in. " +
  'Open the new address `fixmatch-lab serve` printed, the one ending in ?token=..., to get in again.'
/** A 401 on a page that was never let in (no session yet, or a mistyped or old link). */
const TOKEN_WRONG =
  'The lab service did not let this page in (no session yet, or a wrong access token). Open the address `fixmatch-lab serve` printed, the one ending in ?token=..., once: ' +
  'the page then keeps a session cookie for reloads, new tabs and restarts of serve.'

function errorFrom(response: globalThis.Response, body: unknown): ApiError {
  const error = typeof body === 'object' && body !== null ? (body as { error?: { message?: unknown; field?: unknown } }).error : undefined
  const field = typeof error?.field === 'string' ? error.field : undefined
  if (typeof error?.message === 'string') return new ApiError(error.message, { field, status: response.status })
  return new ApiError(`The lab service failed (HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}).`, { status: response.status })
}
