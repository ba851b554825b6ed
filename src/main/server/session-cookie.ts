// The page's session cookie: set when the page is opened with the token, so a
// reload, a second tab and a restart of serve on the same home (same token,
// home-token.ts) need no new link. HttpOnly keeps it from the page's scripts,
// SameSite=Strict from other sites' requests. Browsers do not isolate cookies
// by port, so its name carries the home: two serves on 127.0.0.1 keep their own.
import { createHash, createHmac } from 'node:crypto'
import path from 'node:path'
import type { IncomingMessage } from 'node:http'
import { tokenMatches } from './token.ts'

/** The cookie's name for a home folder: the same for every serve of that home. */
export function sessionCookieName(home: string): string {
  const digest = createHash('sha256').update(path.resolve(home)).digest('hex').slice(0, 16)
  return `fixmatch_lab_${digest}`
}

/** The cookie's value: derived from the token (not the token itself), so it changes when the token is rotated. */
export function sessionCookieValue(token: string): string {
  return createHmac('sha256', token).update('fixmatch-lab session cookie').digest('base64url')
}

/** The Set-Cookie header that hands the session to the page; no Expires, so it ends with the browser session. */
export function sessionCookieHeader(name: string, token: string): string {
  return `${name}=${sessionCookieValue(token)}; Path=/; HttpOnly; SameSite=Strict`
}

/** The value of one cookie in a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const equals = part.indexOf('=')
    if (equals > 0 && part.slice(0, equals).trim() === name) return part.slice(equals + 1).trim()
  }
  return undefined
}

/** Whether a request carries this home's session cookie for the current token. */
export function hasSessionCookie(request: IncomingMessage, name: string, token: string): boolean {
  return tokenMatches(cookieValue(request.headers.cookie, name), sessionCookieValue(token))
}
