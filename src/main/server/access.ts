// Who may call the API and open the event socket: whoever brings the token
// (Authorization: Bearer for /api, ?token= for /events, as tools and older
// pages do) or the session cookie the page got when opened with it.
import type { IncomingMessage } from 'node:http'
import { hasSessionCookie, sessionCookieHeader } from './session-cookie.ts'
import { bearerToken, tokenMatches } from './token.ts'

export interface Access {
  readonly token: string
  /** per home (or port): session-cookie.ts */
  readonly cookieName: string
}

export function apiAuthorized(request: IncomingMessage, access: Access): boolean {
  return tokenMatches(bearerToken(request.headers.authorization), access.token) || hasSessionCookie(request, access.cookieName, access.token)
}

export function socketAuthorized(request: IncomingMessage, url: URL, access: Access): boolean {
  return tokenMatches(url.searchParams.get('token'), access.token) || hasSessionCookie(request, access.cookieName, access.token)
}

/** The Set-Cookie header for a page opened with the right ?token=, or undefined. */
export function sessionCookieFor(url: URL, access: Access): string | undefined {
  return tokenMatches(url.searchParams.get('token'), access.token) ? sessionCookieHeader(access.cookieName, access.token) : undefined
}
