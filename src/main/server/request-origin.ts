// Who a request claims to come from, checked before the token (DNS rebinding):
// a page on evil.example whose name is re-pointed at 127.0.0.1 reaches the
// bridge with "Host: evil.example"; a page on another site that calls the
// bridge directly sends its own Origin. Neither can read the token, but they
// should not even get to try it.
import { isIP } from 'node:net'
import type { IncomingMessage } from 'node:http'

/** Whether the address the bridge listens on is this machine only. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1')
  if (name === 'localhost') return true
  if (isIP(name) === 4) return name.startsWith('127.')
  if (isIP(name) === 6) return name === '::1' || /^::ffff:127\./.test(name)
  return false
}

/** The host name of a Host header ("127.0.0.1:4310", "[::1]:4310", "localhost"), without the port. */
export function hostName(header: string): string {
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(header)
  if (bracketed) return `[${bracketed[1]}]`
  const colon = header.lastIndexOf(':')
  // a bare IPv6 address has more than one colon and no port
  return colon >= 0 && header.indexOf(':') === colon ? header.slice(0, colon) : header
}

/**
 * Why the Host of a request is refused, or undefined. On loopback it must be a
 * loopback name or address. Its port is not compared with the bridge's own:
 * through a tunnel (ssh -L 8080:127.0.0.1:4310) the browser rightly sends localhost:8080.
 */
export function refusedHost(request: IncomingMessage, loopbackOnly: boolean): string | undefined {
  const host = request.headers.host
  if (!host) return 'the request has no Host header'
  if (loopbackOnly && !isLoopbackHost(hostName(host))) {
    return `the Host "${host}" is not this machine: open the address \`fixmatch-lab serve\` printed (127.0.0.1 or localhost)`
  }
  return undefined
}

/**
 * Why the Origin of an API or WebSocket request is refused, or undefined.
 * Browsers send Origin on cross-site calls and on every WebSocket; tools
 * (curl, the CLI) send none, and they still need the token.
 */
export function refusedOrigin(request: IncomingMessage): string | undefined {
  const origin = request.headers.origin
  if (origin === undefined || origin.toLowerCase() === `http://${request.headers.host}`.toLowerCase()) return undefined
  return `calls from the page at "${origin}" are not allowed: only the lab's own page (http://${request.headers.host}) may call it`
}
