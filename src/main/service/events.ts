// The service's events, typed by the contract: the HTTP bridge, Electron's
// windows and the CLI all subscribe here. A failing listener never reaches
// the service (or the other listeners).
import type { EventName, Events } from '../../shared/api.ts'

type Listener<E extends EventName> = (payload: Events[E]) => void

export interface EventSource {
  on<E extends EventName>(event: E, listener: Listener<E>): () => void
}

export class ServiceEvents implements EventSource {
  private readonly listeners = new Map<EventName, Set<Listener<never>>>()

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as Listener<never>)
    return () => set.delete(listener as Listener<never>)
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        ;(listener as Listener<E>)(payload)
      } catch (error) {
        console.error(`a listener of "${event}" failed:`, error)
      }
    }
  }
}
