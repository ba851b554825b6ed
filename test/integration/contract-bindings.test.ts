// Every binding of the contract iterates the lists derived from its schema:
// each is bound to a recording fake, and what reaches the fake is compared
// against the schema's own keys. A command or event added to COMMANDS/EVENTS
// and missed by a binding fails here.
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { COMMANDS, COMMAND_NAMES, EVENTS, EVENT_NAMES, type CommandName, type EventName, type Handlers } from '../../src/shared/api.ts'
import { bindWindowPort, type HostPort } from '../../src/main/service-host/window-port.ts'
import type { FromHostToPage, PortBridge } from '../../src/shared/bridge.ts'
import type { EventSource } from '../../src/main/service/events.ts'
import { ServiceEvents } from '../../src/main/service/events.ts'
import { startLabServer, type LabServer } from '../../src/main/server/index.ts'
import { HttpLabClient } from '../../src/renderer/src/api/http-client.ts'
import { BridgeLabClient } from '../../src/renderer/src/api/bridge-client.ts'
import { fakeLauncher, openService, tempHome, tinyConfig } from './service-helpers.ts'

const commandKeys = Object.keys(COMMANDS).sort()
const eventKeys = Object.keys(EVENTS).sort()

/** Handlers that record which command reached them, built from the schema's keys. */
function recordingHandlers(): { handlers: Handlers; reached: string[] } {
  const reached: string[] = []
  const handlers = Object.fromEntries(commandKeys.map((name) => [name, async () => void reached.push(name)])) as unknown as Handlers
  return { handlers, reached }
}

/** An event source that records which events a binding subscribed to. */
function recordingEvents(): { events: EventSource & { emit: ServiceEvents['emit'] }; subscribed: string[] } {
  const inner = new ServiceEvents()
  const subscribed: string[] = []
  return {
    subscribed,
    events: {
      on: (event, listener) => (subscribed.push(event), inner.on(event, listener)),
      emit: (event, payload) => inner.emit(event, payload)
    }
  }
}

const servers: LabServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
})

describe('the contract derived from its schema', () => {
  it('lists exactly the schema keys', () => {
    expect([...COMMAND_NAMES].sort()).toEqual(commandKeys)
    expect([...EVENT_NAMES].sort()).toEqual(eventKeys)
  })

  it('the service offers every command, each parsed at its edge', async () => {
    const service = openService({ homeDir: tempHome(), launcher: fakeLauncher() })
    expect(Object.keys(service.handlers).sort()).toEqual(commandKeys)
    // a command that needs a request refuses nothing, naming a field; one without takes nothing
    for (const name of COMMAND_NAMES) {
      const call = (service.handlers[name] as (request: unknown) => Promise<unknown>)(undefined)
      if (COMMANDS[name].request.safeParse({}).success) await expect(call).resolves.not.toThrow()
      else await expect(call).rejects.toMatchObject({ field: expect.any(String), message: expect.stringMatching(/^\w+: expected/) })
    }
  })

  it("the service's answers and events are what their schemas say", async () => {
    const service = openService({ homeDir: tempHome(), launcher: fakeLauncher() })
    const seen: [EventName, unknown][] = []
    for (const name of EVENT_NAMES) service.events.on(name, (payload) => void seen.push([name, payload]))
    const run = await service.handlers['queue/add']({ config: tinyConfig() })
    const experiment = await service.handlers['experiments/create']({ name: 'study', config: tinyConfig(), variants: ['O', 'U+'], seeds: [1, 2] })
    await service.handlers['runs/tag']({ runId: run.id, tags: [' baseline '] })
    const answers: { [C in CommandName]?: unknown } = {
      'app/info': await service.handlers['app/info'](),
      'presets/list': await service.handlers['presets/list'](),
      'runs/list': await service.handlers['runs/list']({}),
      'runs/get': await service.handlers['runs/get']({ runId: run.id }),
      'runs/series': await service.handlers['runs/series']({ runId: run.id, names: ['loss'] }),
      'runs/export': await service.handlers['runs/export']({ runId: run.id, format: 'json' }),
      'experiments/list': await service.handlers['experiments/list'](),
      'queue/list': await service.handlers['queue/list'](),
      'queue/move': await service.handlers['queue/move']({ runId: experiment.runIds[0], direction: 'top' })
    }
    for (const [name, answer] of Object.entries(answers)) expect(COMMANDS[name as CommandName].response.safeParse(answer).error, name).toBeUndefined()
    expect((answers['runs/get'] as { tags: string[] }).tags).toEqual(['baseline'])
    expect(new Set(seen.map(([name]) => name))).toEqual(new Set(['run/status', 'queue/changed', 'log']))
    for (const [name, payload] of seen) expect(EVENTS[name].safeParse(payload).error, name).toBeUndefined()
  })

  it("a window's port to the service host answers every command and forwards every event", async () => {
    const listeners: ((event: { data: unknown }) => void)[] = []
    const posted: FromHostToPage[] = []
    const port = {
      on: (event: string, listener: (event: { data: unknown }) => void) => void (event === 'message' && listeners.push(listener)),
      postMessage: (message: FromHostToPage) => void posted.push(message),
      start() {},
      close() {}
    } as HostPort
    const { handlers, reached } = recordingHandlers()
    const { events, subscribed } = recordingEvents()
    bindWindowPort(port, handlers, events)
    COMMAND_NAMES.forEach((command, id) => listeners.forEach((listener) => listener({ data: { kind: 'call', id, command, request: {} } })))
    await new Promise((resolve) => setImmediate(resolve))
    expect(reached.sort()).toEqual(commandKeys)
    expect(posted.filter((message) => message.kind === 'reply' && message.reply.ok)).toHaveLength(commandKeys.length)
    expect(subscribed.sort()).toEqual(eventKeys)
    for (const name of EVENT_NAMES) events.emit(name as EventName, {} as never)
    expect(posted.flatMap((message) => (message.kind === 'event' ? [message.event] : [])).sort()).toEqual(eventKeys)
  })

  it('HTTP answers every command and the WebSocket carries every event; the HTTP client reaches each', async () => {
    const { handlers, reached } = recordingHandlers()
    const { events, subscribed } = recordingEvents()
    const server = await startLabServer({ handlers, events })
    servers.push(server)
    const client = new HttpLabClient({
      baseUrl: server.url,
      token: server.token,
      openSocket: () => ({ onopen: null, onclose: null, onerror: null, onmessage: null, close() {} })
    })
    for (const name of COMMAND_NAMES) await client.call(name, {} as never)
    expect(reached.sort()).toEqual(commandKeys)
    expect(subscribed.sort()).toEqual(eventKeys)

    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/events?token=${server.token}`)
    const frames: string[] = []
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
    const all = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        frames.push((JSON.parse(String(data)) as { event: string }).event)
        if (frames.length === eventKeys.length) resolve()
      })
    )
    for (const name of EVENT_NAMES) events.emit(name as EventName, {} as never)
    await all
    socket.close()
    expect(frames.sort()).toEqual(eventKeys)
  })

  it('the bridge client calls the preload method named as each command', async () => {
    const reached: string[] = []
    const bridge = Object.fromEntries(
      commandKeys.map((name) => [name, async () => (reached.push(name), { ok: true, result: undefined })])
    ) as unknown as PortBridge
    const client = new BridgeLabClient(bridge)
    for (const name of COMMAND_NAMES) await client.call(name, {} as never)
    expect(reached.sort()).toEqual(commandKeys)
  })
})
