// Whether pushed events are reaching the page. The Electron bridge is always
// connected; the headless client reports its WebSocket's state. 'refused':
// the service answers but does not let this page in (its token was rotated
// with serve --new-token, or the page never had a session); retrying cannot help.
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'refused'

export interface Connection {
  readonly state: ConnectionState
  /** called on every change; returns an unsubscribe */
  onChange(listener: (state: ConnectionState) => void): () => void
}

export class ConnectionTracker implements Connection {
  private current: ConnectionState
  private readonly listeners = new Set<(state: ConnectionState) => void>()

  constructor(initial: ConnectionState) {
    this.current = initial
  }

  get state(): ConnectionState {
    return this.current
  }

  set(state: ConnectionState): void {
    if (state === this.current) return
    this.current = state
    for (const listener of [...this.listeners]) listener(state)
  }

  onChange(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

/** A connection that never drops (the Electron bridge). */
export const ALWAYS_OPEN: Connection = new ConnectionTracker('open')
