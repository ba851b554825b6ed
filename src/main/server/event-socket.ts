// GET /events?token=TOKEN (or with the page's session cookie) upgraded to a
// WebSocket: every contract event as a JSON text frame { "event": name,
// "payload": ... }. Clients only listen.
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, WebSocket } from 'ws'
import { EVENT_NAMES } from '../../shared/api.ts'
import type { EventSource } from '../service/events.ts'
import { refusedHost, refusedOrigin } from './request-origin.ts'
import { socketAuthorized, type Access } from './access.ts'

/** A client this far behind is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 16 << 20
const PING_EVERY_MS = 30_000

export function attachEventSocket(server: Server, events: EventSource, access: Access, loopbackOnly: boolean): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  const alive = new WeakMap<WebSocket, boolean>()

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (refusedHost(request, loopbackOnly) ?? refusedOrigin(request)) return refuse(socket, 403, 'Forbidden')
    if (url.pathname !== '/events') return refuse(socket, 404, 'Not Found')
    if (!socketAuthorized(request, url, access)) return refuse(socket, 401, 'Unauthorized')
    wss.handleUpgrade(request, socket, head, (client) => {
      alive.set(client, true)
      client.on('pong', () => alive.set(client, true))
      // nothing is expected from a client; its frames are ignored
      client.on('message', () => {})
      client.on('error', () => client.terminate())
    })
  })

  const unsubscribe = EVENT_NAMES.map((name) =>
    events.on(name, (payload) => {
      const frame = JSON.stringify({ event: name, payload })
      for (const client of wss.clients) {
        if (client.readyState !== WebSocket.OPEN) continue
        if (client.bufferedAmount > MAX_BUFFERED_BYTES) client.terminate()
        else client.send(frame)
      }
    })
  )

  // a client that vanished without closing (a sleeping laptop) is found by its missing pong
  const pinger = setInterval(() => {
    for (const client of wss.clients) {
      if (!alive.get(client)) client.terminate()
      else {
        alive.set(client, false)
        client.ping()
      }
    }
  }, PING_EVERY_MS)
  pinger.unref()

  return {
    close() {
      clearInterval(pinger)
      for (const off of unsubscribe) off()
      for (const client of wss.clients) client.terminate()
      wss.close()
    }
  }
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}
