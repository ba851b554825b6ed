// Access that lasts: the token kept per home (<home>/serve-token, 0600) and
// reused by every serve of that home, the page's HttpOnly, SameSite=Strict
// session cookie named per home, taken by the API and the event socket like
// the bearer token, and `--new-token` rotating both out.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { hostLab, type Hosted } from '../../src/cli/hosting.ts'
import { homeToken, homeTokenPath } from '../../src/main/server/index.ts'
import { tempHome } from './service-helpers.ts'

const hosted: Hosted[] = []
afterEach(async () => {
  for (const host of hosted.splice(0)) await host.stop()
})

async function serve(home: string, newToken = false): Promise<Hosted> {
  const host = await hostLab({ home, mode: 'serve', port: 0, quiet: true, newToken })
  hosted.push(host)
  return host
}

async function stop(host: Hosted): Promise<void> {
  hosted.splice(hosted.indexOf(host), 1)
  await host.stop()
}

/** Opens the page as a browser does with the printed link; returns the cookie it was handed. */
async function openPage(host: Hosted, token = host.server.token): Promise<{ status: number; setCookie: string | null }> {
  const response = await fetch(`${host.server.url}/?token=${encodeURIComponent(token)}`)
  await response.text()
  return { status: response.status, setCookie: response.headers.get('set-cookie') }
}

/** "name=value" of a Set-Cookie header, as a browser sends it back. */
const cookiePair = (setCookie: string) => setCookie.split(';')[0]!

function callWithCookie(host: Hosted, cookie: string, headers: Record<string, string> = {}): Promise<globalThis.Response> {
  return fetch(`${host.server.url}/api/queue/list`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie, ...headers }, body: '{}' })
}

function socketStatus(host: Hosted, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${host.server.url.replace(/^http/, 'ws')}/events`, { headers: { Cookie: cookie, Origin: host.server.url } })
    socket.once('open', () => {
      socket.close()
      resolve(101)
    })
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode!))
    socket.once('error', reject)
  })
}

describe('the serve token kept per home', () => {
  it('is made once in <home>/serve-token, readable by this user only, and reused until rotated', () => {
    const home = tempHome()
    const token = homeToken(home)
    expect(token.length).toBeGreaterThanOrEqual(32)
    expect(fs.readFileSync(homeTokenPath(home), 'utf8').trim()).toBe(token)
    if (process.platform !== 'win32') expect(fs.statSync(homeTokenPath(home)).mode & 0o777).toBe(0o600)
    expect(homeToken(home)).toBe(token)
    const rotated = homeToken(home, { rotate: true })
    expect(rotated).not.toBe(token)
    expect(homeToken(home)).toBe(rotated)
    if (process.platform !== 'win32') expect(fs.statSync(homeTokenPath(home)).mode & 0o777).toBe(0o600)
  })

  it('replaces an emptied or too short file with a fresh token, and tightens a file others could read', () => {
    const home = tempHome()
    fs.writeFileSync(homeTokenPath(home), 'short\n')
    const token = homeToken(home)
    expect(token).not.toBe('short')
    if (process.platform !== 'win32') {
      fs.chmodSync(homeTokenPath(home), 0o644)
      expect(homeToken(home)).toBe(token)
      expect(fs.statSync(homeTokenPath(home)).mode & 0o777).toBe(0o600)
    }
  })

  it('is the one every serve of the home takes, and service.json going at exit leaves it', async () => {
    const home = tempHome()
    const first = await serve(home)
    expect(first.server.token).toBe(homeToken(home))
    await stop(first)
    expect(fs.existsSync(path.join(home, 'service.json'))).toBe(false)
    const second = await serve(home)
    expect(second.server.token).toBe(first.server.token)
  })
})

describe('the session cookie', () => {
  it('is set, HttpOnly, SameSite=Strict, for the whole site and this browser session, when the page is opened with the right token only', async () => {
    const host = await serve(tempHome())
    const { status, setCookie } = await openPage(host)
    expect(status).toBe(200)
    const attributes = setCookie!.split(';').map((part) => part.trim())
    expect(attributes[0]).toMatch(new RegExp(`^${host.server.cookieName}=[A-Za-z0-9_-]{40,}$`))
    // the cookie is not the bearer token itself
    expect(attributes[0]).not.toContain(host.server.token)
    expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/']))
    expect(setCookie).not.toMatch(/Expires|Max-Age/i)
    expect((await openPage(host, 'wrong')).setCookie).toBeNull()
    const plain = await fetch(`${host.server.url}/#/runs/3`)
    expect(plain.headers.get('set-cookie')).toBeNull()
  })

  it('lets the API and the event socket in without the bearer token; a wrong or missing one is refused', async () => {
    const host = await serve(tempHome())
    const cookie = cookiePair((await openPage(host)).setCookie!)
    const answer = await callWithCookie(host, cookie)
    expect(answer.status).toBe(200)
    expect((await answer.json()).result).toEqual([])
    expect(await socketStatus(host, cookie)).toBe(101)
    const forged = `${host.server.cookieName}=${'x'.repeat(43)}`
    expect((await callWithCookie(host, forged)).status).toBe(401)
    expect(await socketStatus(host, forged)).toBe(401)
    expect((await callWithCookie(host, '')).status).toBe(401)
  })

  it('keeps the Origin check: a cookie sent from another site is refused', async () => {
    const host = await serve(tempHome())
    const cookie = cookiePair((await openPage(host)).setCookie!)
    expect((await callWithCookie(host, cookie, { Origin: 'http://evil.example' })).status).toBe(403)
    expect((await callWithCookie(host, cookie, { Origin: host.server.url })).status).toBe(200)
  })

  it('outlives a restart of serve on the same home, and --new-token rotates it out', async () => {
    const home = tempHome()
    const first = await serve(home)
    const cookie = cookiePair((await openPage(first)).setCookie!)
    await stop(first)
    const restarted = await serve(home)
    expect(restarted.server.cookieName).toBe(first.server.cookieName)
    expect((await callWithCookie(restarted, cookie)).status).toBe(200)
    await stop(restarted)
    const rotated = await serve(home, true)
    expect(rotated.server.token).not.toBe(first.server.token)
    expect((await callWithCookie(rotated, cookie)).status).toBe(401)
    expect(await socketStatus(rotated, cookie)).toBe(401)
    const fresh = cookiePair((await openPage(rotated)).setCookie!)
    expect((await callWithCookie(rotated, fresh)).status).toBe(200)
  })

  it('is named per home: two serves on 127.0.0.1 keep their own cookies side by side', async () => {
    const a = await serve(tempHome())
    const b = await serve(tempHome())
    expect(a.server.cookieName).not.toBe(b.server.cookieName)
    const cookieA = cookiePair((await openPage(a)).setCookie!)
    const cookieB = cookiePair((await openPage(b)).setCookie!)
    // cookies are not isolated by port: the browser sends both to each
    const jar = `${cookieA}; ${cookieB}`
    expect((await callWithCookie(a, jar)).status).toBe(200)
    expect((await callWithCookie(b, jar)).status).toBe(200)
    expect((await callWithCookie(a, cookieB)).status).toBe(401)
    expect((await callWithCookie(b, cookieA)).status).toBe(401)
  })
})
