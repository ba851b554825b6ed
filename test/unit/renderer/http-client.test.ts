import { describe, expect, it, vi } from 'vitest'
import { HttpLabClient, type SocketLike } from '../../../src/renderer/src/api/http-client.ts'
import { ApiError } from '../../../src/renderer/src/api/errors.ts'
import { readToken } from '../../../src/renderer/src/api/token.ts'

class FakeSocket implements SocketLike {
  onopen: ((event: unknown) => void) | null = null
  onclose: ((event: unknown) => void) | null = null
  onerror: ((event: unknown) => void) | null = null
  onmessage: ((event: { data: unknown }) => void) | null = null
  closed = false
  constructor(readonly url: string) {}
  close(): void {
    this.closed = true
  }
  // what the server / network would do
  open(): void {
    this.onopen?.({})
  }
  send(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) })
  }
  drop(): void {
    this.onerror?.({})
    this.onclose?.({})
  }
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

function setup(fetchImpl: typeof fetch = vi.fn(), token = 's3cret') {
  const sockets: FakeSocket[] = []
  const timers: { callback: () => void; ms: number }[] = []
  const client = new HttpLabClient({
    baseUrl: 'http://127.0.0.1:4310',
    token,
    fetch: fetchImpl,
    openSocket: (url) => {
      const socket = new FakeSocket(url)
      sockets.push(socket)
      return socket
    },
    initialDelayMs: 100,
    maxDelayMs: 1000,
    setTimer: (callback, ms) => {
      timers.push({ callback, ms })
      return timers.length
    },
    clearTimer: () => {}
  })
  return { client, sockets, timers }
}

describe('HttpLabClient commands', () => {
  it('posts the request as JSON to /api/<command> with the bearer token and returns result', async () => {
    const fetchMock = vi.fn(async () => jsonResponse(200, { result: [{ id: 7 }] }))
    const { client } = setup(fetchMock as unknown as typeof fetch)
    const runs = await client.call('runs/list', { experimentId: 3, limit: 5 })
    expect(runs).toEqual([{ id: 7 }])
    expect(fetchMock).toHaveBeenCalledTimes(1)
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('http://127.0.0.1:4310/api/runs/list')
    expect(init.method).toBe('POST')
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer s3cret')
    expect(JSON.parse(init.body as string)).toEqual({ experimentId: 3, limit: 5 })
  })

  it('without a token (a second tab) sends no Authorization and no ?token=, leaving the session cookie to let it in', async () => {
    const fetchMock = vi.fn(async () => jsonResponse(200, { result: [] }))
    const { client, sockets } = setup(fetchMock as unknown as typeof fetch, '')
    client.connect()
    await client.call('runs/list', {})
    const [, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit]
    expect(init.headers as Record<string, string>).not.toHaveProperty('Authorization')
    expect(sockets[0]!.url).toBe('ws://127.0.0.1:4310/events')
  })

  it('sends an empty JSON object for commands without a request', async () => {
    const fetchMock = vi.fn(async () => jsonResponse(200, { result: { name: 'FixMatch Lab' } }))
    const { client } = setup(fetchMock as unknown as typeof fetch)
    await client.call('app/info', undefined)
    expect((fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1].body).toBe('{}')
  })

  it('maps an error body to an ApiError with message, field and status', async () => {
    const fetchMock = vi.fn(async () =>
      jsonResponse(400, { error: { message: 'labelsPerClass: 0 is not allowed; expected an integer >= 1', field: 'labelsPerClass' } })
    )
    const { client } = setup(fetchMock as unknown as typeof fetch)
    const error = await client.call('experiments/create', { name: 'x', config: {}, variants: ['O'], seeds: [1] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).message).toBe('labelsPerClass: 0 is not allowed; expected an integer >= 1')
    expect((error as ApiError).field).toBe('labelsPerClass')
    expect((error as ApiError).status).toBe(400)
  })

  it('explains a refused token and a service that cannot be reached', async () => {
    const refused = setup(vi.fn(async () => new Response('nope', { status: 401 })) as unknown as typeof fetch)
    await expect(refused.client.call('queue/list', undefined)).rejects.toThrow(/access token/)
    const down = setup(vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))) as unknown as typeof fetch)
    await expect(down.client.call('queue/list', undefined)).rejects.toThrow(/Cannot reach the lab service at http:\/\/127\.0\.0\.1:4310/)
    const noStatusText = setup(vi.fn(async () => new Response('', { status: 500 })) as unknown as typeof fetch)
    await expect(noStatusText.client.call('queue/list', undefined)).rejects.toThrow(/HTTP 500/)
  })

  it('rejects a 200 answer without a result', async () => {
    const { client } = setup(vi.fn(async () => jsonResponse(200, { nothing: true })) as unknown as typeof fetch)
    await expect(client.call('queue/list', undefined)).rejects.toThrow(/without a result/)
  })
})

describe('HttpLabClient events', () => {
  it('opens ws://host/events with the token and dispatches frames to the listeners of that event only', () => {
    const { client, sockets } = setup()
    client.connect()
    expect(sockets).toHaveLength(1)
    expect(sockets[0]!.url).toBe('ws://127.0.0.1:4310/events?token=s3cret')
    const metrics: unknown[] = []
    const logs: unknown[] = []
    client.on('run/metrics', (payload) => metrics.push(payload))
    const offLog = client.on('log', (payload) => logs.push(payload))
    sockets[0]!.open()
    sockets[0]!.send({ event: 'run/metrics', payload: { runId: 1, step: 10, values: { loss: 2.3 } } })
    sockets[0]!.send({ event: 'log', payload: { runId: null, level: 'info', message: 'hi', time: 't' } })
    sockets[0]!.send('not json')
    sockets[0]!.send({ event: 'unknown/event', payload: 1 })
    offLog()
    sockets[0]!.send({ event: 'log', payload: { runId: null, level: 'info', message: 'after unsubscribe', time: 't' } })
    expect(metrics).toEqual([{ runId: 1, step: 10, values: { loss: 2.3 } }])
    expect(logs).toHaveLength(1)
  })

  it('keeps dispatching when one listener throws', () => {
    const { client, sockets } = setup()
    client.connect()
    const seen: number[] = []
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    client.on('run/progress', () => {
      throw new Error('broken view')
    })
    client.on('run/progress', (p) => seen.push(p.step))
    sockets[0]!.send({ event: 'run/progress', payload: { runId: 1, step: 5, totalSteps: 10, imagesPerSecond: 1, etaSeconds: 1 } })
    expect(seen).toEqual([5])
    spy.mockRestore()
  })

  it('reports the connection state and reconnects with doubling backoff, reset after a successful open', () => {
    const { client, sockets, timers } = setup()
    const states: string[] = []
    client.connection.onChange((state) => states.push(state))
    client.connect()
    expect(client.connection.state).toBe('connecting')
    sockets[0]!.open()
    expect(client.connection.state).toBe('open')

    sockets[0]!.drop()
    expect(client.connection.state).toBe('closed')
    expect(timers.map((t) => t.ms)).toEqual([100])
    timers[0]!.callback()
    expect(sockets).toHaveLength(2)
    sockets[1]!.drop() // the service is still down
    expect(timers.map((t) => t.ms)).toEqual([100, 200])
    timers[1]!.callback()
    sockets[2]!.drop()
    timers[2]!.callback()
    sockets[3]!.drop()
    timers[3]!.callback()
    sockets[4]!.drop()
    timers[4]!.callback()
    sockets[5]!.drop()
    expect(timers.map((t) => t.ms)).toEqual([100, 200, 400, 800, 1000, 1000])

    timers[5]!.callback()
    sockets[6]!.open()
    expect(client.connection.state).toBe('open')
    sockets[6]!.drop()
    expect(timers[6]!.ms).toBe(100)
    expect(states).toEqual(['open', 'closed', 'open', 'closed'])
  })

  it('delivers events from the new socket after a reconnect to the listeners registered before', () => {
    const { client, sockets, timers } = setup()
    const steps: number[] = []
    client.on('run/metrics', (p) => steps.push(p.step))
    client.connect()
    sockets[0]!.open()
    sockets[0]!.drop()
    timers[0]!.callback()
    sockets[1]!.open()
    sockets[1]!.send({ event: 'run/metrics', payload: { runId: 1, step: 42, values: {} } })
    expect(steps).toEqual([42])
  })

  it('after a token rotation (the page refused) says so and stops reconnecting, instead of "Reconnecting..." for ever', async () => {
    let restarted = false
    const fetchMock = vi.fn(async () =>
      restarted ? jsonResponse(401, { error: { message: 'missing or wrong access token' } }) : jsonResponse(200, { result: {} })
    )
    const { client, sockets, timers } = setup(fetchMock as unknown as typeof fetch)
    client.connect()
    sockets[0]!.open()
    await client.call('app/info', undefined)
    // serve stops: the socket drops and the probe cannot reach it
    fetchMock.mockImplementationOnce(async () => Promise.reject(new TypeError('Failed to fetch')))
    sockets[0]!.drop()
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2))
    await Promise.resolve()
    expect(client.connection.state).toBe('closed')
    // serve is back with a rotated token (--new-token): the upgrade is refused, the browser only says "closed"
    restarted = true
    timers[0]!.callback()
    sockets[1]!.drop()
    await vi.waitFor(() => expect(client.connection.state).toBe('refused'))
    for (const timer of timers) timer.callback()
    expect(sockets).toHaveLength(2)
    const error = await client.call('queue/list', undefined).catch((e: unknown) => e)
    expect((error as ApiError).status).toBe(401)
    expect((error as ApiError).message).toMatch(/token was replaced \(`fixmatch-lab serve --new-token`\)/)
    expect((error as ApiError).message).toMatch(/new address `fixmatch-lab serve` printed.*\?token=/)
  })

  it('keeps reconnecting while the service cannot be reached', async () => {
    const fetchMock = vi.fn(async () => Promise.reject(new TypeError('Failed to fetch')))
    const { client, sockets, timers } = setup(fetchMock as unknown as typeof fetch)
    client.connect()
    sockets[0]!.drop()
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1))
    timers[0]!.callback()
    expect(sockets).toHaveLength(2)
    expect(client.connection.state).toBe('closed')
  })

  it('calls a token that never worked wrong, not a restart', async () => {
    const { client, sockets } = setup(vi.fn(async () => jsonResponse(401, {})) as unknown as typeof fetch)
    client.connect()
    const error = await client.call('queue/list', undefined).catch((e: unknown) => e)
    expect((error as ApiError).message).toMatch(/did not let this page in/)
    expect((error as ApiError).message).not.toMatch(/replaced/)
    expect(client.connection.state).toBe('refused')
    expect(sockets[0]!.closed).toBe(true)
  })

  it('stops reconnecting after close()', () => {
    const { client, sockets, timers } = setup()
    client.connect()
    sockets[0]!.open()
    client.close()
    expect(sockets[0]!.closed).toBe(true)
    expect(timers).toHaveLength(0)
    expect(client.connection.state).toBe('closed')
  })
})

describe('readToken', () => {
  function place(search: string, stored: string | null = null) {
    const storage = new Map<string, string>(stored ? [['fixmatchLab.token', stored]] : [])
    const replaced: string[] = []
    return {
      storage,
      replaced,
      place: {
        location: { search, pathname: '/', hash: '#live' },
        sessionStorage: { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) },
        history: { replaceState: (_d: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) }
      }
    }
  }

  it('takes the token from the URL, keeps it in sessionStorage and removes it from the address', () => {
    const { place: p, storage, replaced } = place('?token=abc&x=1')
    expect(readToken(p)).toBe('abc')
    expect(storage.get('fixmatchLab.token')).toBe('abc')
    expect(replaced).toEqual(['/?x=1#live'])
  })

  it('falls back to the stored token after a reload', () => {
    const { place: p } = place('', 'kept')
    expect(readToken(p)).toBe('kept')
    expect(readToken(place('').place)).toBeNull()
  })
})
