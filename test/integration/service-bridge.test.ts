// The headless bridge against a real service: the token on every /api and
// /events call, command round trips with the contract's shapes and error
// statuses, events over the WebSocket, and the static page.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startLabServer, type LabServer } from '../../src/main/server/index.ts'
import { fakeLauncher, openService, tempHome, tinyConfig } from './service-helpers.ts'

// the bodies are checked field by field below
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> }

const servers: LabServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
})

async function serve(rendererDir?: string) {
  const service = openService({ homeDir: tempHome(), launcher: fakeLauncher() })
  const server = await startLabServer({ handlers: service.handlers, events: service.events, rendererDir })
  servers.push(server)
  const call = (command: string, body: unknown, token: string | null = server.token): Promise<JsonResponse> =>
    fetch(`${server.url}/api/${command}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token === null ? {} : { Authorization: `Bearer ${token}` }) },
      body: typeof body === 'string' ? body : JSON.stringify(body)
    })
  return { service, server, call }
}

/** A raw request with headers fetch() would not let a test set (Host). */
function rawRequest(url: string, options: { method?: string; headers: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode!, body }))
    })
    request.once('error', reject)
    request.end(options.body)
  })
}

function openSocket(url: string, headers: Record<string, string> = {}): Promise<{ socket: WebSocket; frames: { event: string; payload: unknown }[] }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers })
    const frames: { event: string; payload: unknown }[] = []
    socket.on('message', (data) => frames.push(JSON.parse(String(data))))
    socket.once('open', () => resolve({ socket, frames }))
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)))
    socket.once('error', reject)
  })
}

describe('HTTP + WebSocket bridge', () => {
  it('listens on 127.0.0.1 with a long random token that changes per start', async () => {
    const a = await serve()
    const b = await serve()
    expect(a.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(a.server.pageUrl).toBe(`${a.server.url}/?token=${a.server.token}`)
    expect(a.server.token.length).toBeGreaterThanOrEqual(32)
    expect(a.server.token).not.toBe(b.server.token)
  })

  it('answers 401 without the token or with a wrong one, before anything else', async () => {
    const { call } = await serve()
    for (const token of [null, 'wrong', '']) {
      const response = await call('queue/list', {}, token)
      expect(response.status).toBe(401)
      expect((await response.json()).error.message).toMatch(/access token/)
    }
    expect((await call('no/such', {}, null)).status).toBe(401)
  })

  it('round-trips commands as { result } and reports errors with status, message and field', async () => {
    const { call } = await serve()
    const added = await call('queue/add', { config: tinyConfig({ seed: 5 }) })
    expect(added.status).toBe(200)
    const run = (await added.json()).result
    expect(run).toMatchObject({ status: 'queued', seed: 5, variant: 'O', createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) })

    const listed = await (await call('queue/list', {})).json()
    expect(listed.result.map((r: { id: number }) => r.id)).toEqual([run.id])
    // commands without a result still answer with a result key
    expect(await (await call('queue/move', { runId: run.id, direction: 'top' })).json()).toEqual({ result: null })
    expect((await (await call('app/info', {})).json()).result).toMatchObject({ name: 'FixMatch Lab', home: expect.any(String) })

    const unknown = await call('runs/explode', {})
    expect(unknown.status).toBe(404)
    expect((await unknown.json()).error.message).toMatch(/unknown command "runs\/explode"/)
    const badJson = await call('queue/list', '{not json')
    expect(badJson.status).toBe(400)
    expect((await badJson.json()).error.message).toMatch(/not valid JSON/)
    const badField = await call('queue/add', { config: { lr: 'fast' } })
    expect(badField.status).toBe(400)
    expect((await badField.json()).error).toMatchObject({ field: 'lr', message: expect.stringMatching(/^lr: "fast" is not allowed/) })
    const missing = await call('runs/get', { runId: 4242 })
    expect(missing.status).toBe(404)
    await call('queue/cancel', { runId: run.id })
    const conflict = await call('queue/resume', { runId: run.id })
    expect(conflict.status).toBe(409)
    expect((await conflict.json()).error).toMatchObject({ field: 'runId', message: expect.stringMatching(/is cancelled/) })
    const wrongMethod = await fetch(`${(await serve()).server.url}/api/queue/list`)
    expect(wrongMethod.status).toBe(405)
  })

  it('pushes the service events to WebSocket clients that bring the token, and refuses others', async () => {
    const { server, call } = await serve()
    const ws = server.url.replace(/^http/, 'ws')
    await expect(openSocket(`${ws}/events`)).rejects.toThrow(/HTTP 401/)
    await expect(openSocket(`${ws}/events?token=nope`)).rejects.toThrow(/HTTP 401/)
    const { socket, frames } = await openSocket(`${ws}/events?token=${encodeURIComponent(server.token)}`)
    const run = (await (await call('queue/add', { config: tinyConfig() })).json()).result
    const deadline = Date.now() + 5000
    while (!frames.some((f) => f.event === 'queue/changed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    socket.close()
    const changed = frames.find((f) => f.event === 'queue/changed')!
    expect((changed.payload as { queue: { id: number }[] }).queue.map((r) => r.id)).toEqual([run.id])
    expect(frames.find((f) => f.event === 'run/status')?.payload).toMatchObject({ run: { id: run.id, status: 'queued' } })
    expect(frames.find((f) => f.event === 'log')?.payload).toMatchObject({ runId: run.id, level: 'info' })
  })

  it('refuses a Host that is not this machine on every path, even with the token (DNS rebinding)', async () => {
    const { server } = await serve()
    const post = { method: 'POST', body: '{}' }
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1.evil.example', `localhost.evil.example:${server.port}`]) {
      const api = await rawRequest(`${server.url}/api/queue/list`, { ...post, headers: { Host: host, Authorization: `Bearer ${server.token}` } })
      expect(api.status).toBe(403)
      expect(JSON.parse(api.body).error.message).toMatch(/is not this machine/)
      expect((await rawRequest(`${server.url}/`, { headers: { Host: host } })).status).toBe(403)
      const ws = `${server.url.replace(/^http/, 'ws')}/events?token=${encodeURIComponent(server.token)}`
      await expect(openSocket(ws, { Host: host })).rejects.toThrow(/HTTP 403/)
    }
    // loopback names and addresses with any port (a tunnel changes it) still work
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, 'localhost:8080', `127.0.0.2:${server.port}`, '[::1]:8080']) {
      const api = await rawRequest(`${server.url}/api/queue/list`, { ...post, headers: { Host: host, Authorization: `Bearer ${server.token}` } })
      expect(api.status, host).toBe(200)
    }
  })

  it("refuses API and event calls from another site's page, and takes the lab's own", async () => {
    const { server } = await serve()
    const host = new URL(server.url).host
    const api = (origin: string) =>
      rawRequest(`${server.url}/api/queue/list`, { method: 'POST', body: '{}', headers: { Origin: origin, Authorization: `Bearer ${server.token}` } })
    const ws = `${server.url.replace(/^http/, 'ws')}/events?token=${encodeURIComponent(server.token)}`
    for (const origin of ['http://evil.example', `http://evil.example:${server.port}`, 'null', `https://${host}`, `http://localhost:${server.port + 1}`]) {
      const refused = await api(origin)
      expect(refused.status, origin).toBe(403)
      expect(JSON.parse(refused.body).error.message).toMatch(/not allowed/)
      await expect(openSocket(ws, { Origin: origin })).rejects.toThrow(/HTTP 403/)
    }
    expect((await api(`http://${host}`)).status).toBe(200)
    const { socket } = await openSocket(ws, { Origin: `http://${host}` })
    socket.close()
    // the page itself is no call: a link from another site still opens it
    expect((await rawRequest(`${server.url}/`, { headers: { Origin: 'http://evil.example' } })).status).toBe(200)
  })

  it('skips the Host check when told to listen beyond loopback, never the token', async () => {
    const service = openService({ homeDir: tempHome(), launcher: fakeLauncher() })
    const server = await startLabServer({ handlers: service.handlers, events: service.events, host: '0.0.0.0' })
    servers.push(server)
    const url = `http://127.0.0.1:${server.port}/api/queue/list`
    expect((await rawRequest(url, { method: 'POST', body: '{}', headers: { Host: 'labbox.example', Authorization: `Bearer ${server.token}` } })).status).toBe(
      200
    )
    expect((await rawRequest(url, { method: 'POST', body: '{}', headers: { Host: 'labbox.example' } })).status).toBe(401)
  })

  it('serves the built page and its assets without the token, never a file outside the folder', async () => {
    const home = tempHome()
    const dir = path.join(home, 'renderer')
    fs.mkdirSync(path.join(dir, 'assets'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>lab</title>')
    fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)')
    fs.writeFileSync(path.join(home, 'secret.txt'), 'secret')
    const { server } = await serve(dir)
    const page = await fetch(`${server.url}/?token=${server.token}`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/text\/html/)
    expect(await page.text()).toContain('<title>lab</title>')
    const script = await fetch(`${server.url}/assets/app.js`)
    expect(script.headers.get('content-type')).toMatch(/javascript/)
    // the app's own routes fall back to the page
    expect(await (await fetch(`${server.url}/queue`)).text()).toContain('<title>lab</title>')
    for (const sneaky of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt']) {
      const response = await fetch(`${server.url}${sneaky}`)
      expect(await response.text()).not.toContain('secret')
    }
  })

  it('says to run the build when the page is missing', async () => {
    const { server } = await serve(path.join(tempHome(), 'nothing-here'))
    const page = await fetch(`${server.url}/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('npm run build')
  })
})
