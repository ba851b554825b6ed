// Event subscriptions tied to a component's life, and a hook for "the event
// stream came back" so views can fetch what they missed.
import { inject, onBeforeUnmount, onMounted } from 'vue'
import type { EventName, Events } from '../../../shared/api.ts'
import { LAB_CONNECTION, useLab } from './inject.ts'

export function useEvent<E extends EventName>(event: E, listener: (payload: Events[E]) => void): void {
  const client = useLab()
  let off: (() => void) | undefined
  onMounted(() => (off = client.on(event, listener)))
  onBeforeUnmount(() => off?.())
}

export function useReconnect(callback: () => void): void {
  const connection = inject(LAB_CONNECTION, undefined)
  if (!connection) return
  // the first connect is not a reconnect: views load on mount anyway
  let wasDown = connection.state === 'closed'
  let off: (() => void) | undefined
  onMounted(() => {
    off = connection.onChange((state) => {
      if (state === 'closed') wasDown = true
      else if (state === 'open' && wasDown) {
        wasDown = false
        callback()
      }
    })
  })
  onBeforeUnmount(() => off?.())
}
