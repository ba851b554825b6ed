// The headless bridge: the built renderer, the contract's commands over HTTP
// and its events over a WebSocket, on 127.0.0.1 with a token (kept per home
// by serve: home-token.ts) and the page's session cookie set from it. On
// loopback a request must name a loopback Host, and API and event calls from
// a browser must come from the lab's own page (request-origin.ts).
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Handlers } from '../../shared/api.ts'
import type { EventSource } from '../service/events.ts'
import { sessionCookieFor } from './access.ts'
import { handleApi, sendError } from './api-route.ts'
import { attachEventSocket } from './event-socket.ts'
import { isLoopbackHost, refusedHost, refusedOrigin } from './request-origin.ts'
import { serveStatic } from './static-files.ts'
import { newToken } from './token.ts'

export interface LabServerOptions {
  handlers: Handlers
  events: EventSource
  /** 127.0.0.1 unless told otherwise */
  host?: string
  /** 0 picks a free port */
  port?: number
  /** the built renderer (out/renderer); a page saying to build it if missing */
  rendererDir?: string
  /** a fresh random one if left out */
  token?: string
  /** the session cookie's name, per home (sessionCookieName); per port if left out */
  cookieName?: string
}

export interface LabServer {
  /** e.g. http://127.0.0.1:4310 */
  readonly url: string
  /** the page to open: url + /?token=... */
  readonly pageUrl: string
  readonly token: string
  readonly cookieName: string
  readonly port: number
  close(): Promise<void>
}

export async function startLabServer(options: LabServerOptions): Promise<LabServer> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? newToken()
  const loopbackOnly = isLoopbackHost(host)
  // the port-named default is only known once listening; no request comes before
  const access: { token: string; cookieName: string } = { token, cookieName: options.cookieName ?? '' }
  const server = http.createServer((request, response) => {
    const pathname = (request.url ?? '/').split('?')[0]
    const isApi = pathname === '/api' || pathname.startsWith('/api/')
    const refused = refusedHost(request, loopbackOnly) ?? (isApi ? refusedOrigin(request) : undefined)
    if (refused) return sendError(response, 403, { message: refused })
    if (isApi) {
      handleApi(request, response, options.handlers, access).catch((error) => {
        if (!response.headersSent) sendError(response, 500, { message: (error as Error).message })
        else response.destroy()
      })
    } else {
      const cookie = sessionCookieFor(new URL(request.url ?? '/', 'http://localhost'), access)
      if (cookie) response.setHeader('Set-Cookie', cookie)
      serveStatic(request, response, options.rendererDir)
    }
  })
  server.headersTimeout = 30_000
  server.requestTimeout = 60_000
  const socket = attachEventSocket(server, options.events, access, loopbackOnly)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  access.cookieName ||= `fixmatch_lab_port_${port}`
  const shownHost = host.includes(':') ? `[${host}]` : host
  const url = `http://${shownHost}:${port}`
  return {
    url,
    pageUrl: `${url}/?token=${encodeURIComponent(token)}`,
    token,
    cookieName: access.cookieName,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        socket.close()
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
