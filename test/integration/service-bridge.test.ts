// The headless bridge against a real service: the token on every /api and
// /events call, command round trips with the contract's shapes and error
// statuses, events over the WebSocket, and the static page.
import fs from 'node:fs'
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

function openSocket(url: string): Promise<{ socket: WebSocket; frames: { event: string; payload: unknown }[] }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url)
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
