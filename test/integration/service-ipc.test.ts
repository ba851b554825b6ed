// Electron's side without Electron: the service host's supervisor (main's
// part) with fakes of utilityProcess.fork and MessageChannelMain that carry
// real behaviour: the real host module runs in a worker thread, the ports are
// node:worker_threads' MessagePorts, and each window is the real preload.
// Exactly the contract crosses: one method per command, structured replies,
// the contract's events only, and no port for a page that is not ours.
import fs from 'node:fs'
import path from 'node:path'
import type { MessagePort } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { COMMAND_NAMES, EVENT_NAMES } from '../../src/shared/api.ts'
import { ServiceHostSupervisor, type HostedWindow, type SupervisorOptions } from '../../src/main/service-host/supervisor.ts'
import { BridgeLabClient } from '../../src/renderer/src/api/bridge-client.ts'
import { ApiError } from '../../src/renderer/src/api/errors.ts'
import { openStore } from '../../src/main/store/index.ts'
import { forkHostInWorker, IDLE_TRAINER, messageChannel, openWindow, type FakeUtilityProcess } from './service-host-fakes/electron-fakes.ts'
import { tempHome, tinyConfig } from './service-helpers.ts'
import { until } from './process-helpers.ts'

const OURS = 'file:///app/out/renderer/index.html'
const isOurPage = (url: string) => url.startsWith('file:///app/out/renderer/')
/** a worker that loads the host through tsx needs a few seconds on a loaded machine */
const HOST_START_MS = 60_000
const TIMEOUT = 120_000

const supervisors: ServiceHostSupervisor<MessagePort>[] = []
afterEach(async () => {
  for (const supervisor of supervisors.splice(0)) await supervisor.close(2000)
})

function supervise(home: string, windows: HostedWindow<MessagePort>[], overrides: Partial<SupervisorOptions<MessagePort>> = {}) {
  const fatal: string[] = []
  const supervisor = new ServiceHostSupervisor<MessagePort>({
    fork: forkHostInWorker,
    channel: messageChannel,
    open: { homeDir: home, appVersion: '0.1.0-test', trainerEntry: IDLE_TRAINER },
    windows: () => windows,
    isOurPage,
    onFatal: (message) => void fatal.push(message),
    ...overrides
  })
  supervisors.push(supervisor)
  return { supervisor, fatal, hosts: supervisor.started as FakeUtilityProcess[] }
}

describe('the preload bridge', () => {
  it('exposes exactly one method per command plus on(), and listens to the contract events only', async () => {
    const { bridge } = await openWindow(1, OURS)
    expect(Object.keys(bridge).sort()).toEqual([...COMMAND_NAMES, 'on'].sort())
    expect(() => bridge.on('queue/add' as never, () => {})).toThrow(/unknown event/)
    expect(() => bridge.on('ELECTRON_BROWSER_WINDOW_ALERT' as never, () => {})).toThrow(/unknown event/)
    expect(typeof bridge.on('log', () => {})).toBe('function')
  })
})

describe('the service host behind MessagePorts', () => {
  it('answers calls as structured replies: the result, or the error with its field', { timeout: TIMEOUT }, async () => {
    const page = await openWindow(1, OURS)
    const { supervisor } = supervise(tempHome(), [page.window])
    await supervisor.start()
    expect(page.portsReceived()).toBe(1)

    const presets = await page.bridge['presets/list'](undefined)
    expect(presets.ok).toBe(true)
    if (presets.ok) expect(presets.result.map((p) => p.name)).toContain('mnist-quick')

    const refused = await page.bridge['queue/add']({ config: { batchSize: 0 } })
    expect(refused.ok).toBe(false)
    if (!refused.ok) {
      expect(refused.error.field).toBe('batchSize')
      expect(refused.error.message).toMatch(/^batchSize: 0 is not allowed/)
    }
    // the renderer's client turns ok:false into its ApiError, field included
    const error = await new BridgeLabClient(page.bridge).call('queue/add', { config: { batchSize: 0 } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).field).toBe('batchSize')
  })

  it('answers an unknown command with an error, drops what is not a call, and keeps serving', { timeout: TIMEOUT }, async () => {
    // a page that talks to its port directly, as a compromised page could not (the preload holds the port) but a bug might
    let port: MessagePort | undefined
    const raw: HostedWindow<MessagePort> = {
      id: 7,
      webContents: { getURL: () => OURS, isDestroyed: () => false, postMessage: (_channel, _message, [given]) => void (port = given) }
    }
    const { supervisor, hosts } = supervise(tempHome(), [raw])
    await supervisor.start()
    const replies: unknown[] = []
    port!.on('message', (message: { kind: string }) => message.kind === 'reply' && replies.push(message))
    port!.postMessage('not a call')
    port!.postMessage({ kind: 'call', command: 'runs/list', request: {} })
    port!.postMessage({ kind: 'call', id: 1, command: 'shell/openExternal', request: 'https://evil.example/' })
    port!.postMessage({ kind: 'call', id: 2, command: 'runs/list', request: {} })
    await until(() => replies.length === 2, 20_000, 'two replies')
    expect(replies[0]).toMatchObject({
      kind: 'reply',
      id: 1,
      reply: { ok: false, error: { message: expect.stringMatching(/^unknown command "shell\/openExternal"/) } }
    })
    expect(replies[1]).toEqual({ kind: 'reply', id: 2, reply: { ok: true, result: [] } })
    expect(hosts).toHaveLength(1)
    port!.close()
  })

  it('hands a port only to pages of ours', { timeout: TIMEOUT }, async () => {
    const ours = await openWindow(1, OURS)
    const evil = await openWindow(2, 'https://evil.example/')
    const { supervisor } = supervise(tempHome(), [ours.window, evil.window])
    await supervisor.start()
    supervisor.connect(evil.window)
    expect(ours.portsReceived()).toBe(1)
    expect(evil.portsReceived()).toBe(0)
  })

  it('forwards every contract event to every window of ours', { timeout: TIMEOUT }, async () => {
    const first = await openWindow(1, OURS)
    const second = await openWindow(2, OURS)
    const { supervisor } = supervise(tempHome(), [first.window, second.window])
    await supervisor.start()
    const seen = new Map<number, Set<string>>([
      [1, new Set()],
      [2, new Set()]
    ])
    for (const [id, page] of [
      [1, first],
      [2, second]
    ] as const) {
      for (const name of EVENT_NAMES) page.bridge.on(name, () => seen.get(id)!.add(name))
    }
    const added = await first.bridge['queue/add']({ config: tinyConfig() })
    expect(added.ok).toBe(true)
    await until(
      () => seen.get(1)!.has('queue/changed') && seen.get(2)!.has('queue/changed') && seen.get(2)!.has('run/status'),
      20_000,
      'the events in both windows'
    )
    expect([...seen.get(2)!].every((name) => (EVENT_NAMES as readonly string[]).includes(name))).toBe(true)
  })

  it('a killed host is started again, the windows get new ports, and calls work again', { timeout: TIMEOUT }, async () => {
    const page = await openWindow(1, OURS)
    const home = tempHome()
    const { supervisor, hosts, fatal } = supervise(home, [page.window])
    await supervisor.start()
    const added = await page.bridge['queue/add']({ config: tinyConfig() })
    if (!added.ok) throw new Error(added.error.message)

    hosts[0].kill()
    expect(await hosts[0].exited).not.toBe(0)
    await until(() => hosts.length === 2 && page.portsReceived() === 2, HOST_START_MS, 'a new host and a new port for the window')
    const listed = await page.bridge['queue/list'](undefined)
    expect(listed.ok).toBe(true)
    if (listed.ok) expect(listed.result.map((run) => run.id)).toContain(added.result.id)
    expect(fatal).toEqual([])
  })

  it('a call in flight when the host dies is answered, as a failure to retry, once the window has its new port', { timeout: TIMEOUT }, async () => {
    // app/info asks nvidia-smi (asynchronously): this one takes 30 s, so the call is still open when the host is killed
    const bin = fs.mkdtempSync(path.join(tempHome(), 'bin-'))
    fs.writeFileSync(path.join(bin, 'nvidia-smi'), '#!/bin/sh\nsleep 30\n', { mode: 0o755 })
    const oldPath = process.env.PATH
    process.env.PATH = `${bin}${path.delimiter}${oldPath}`
    try {
      const page = await openWindow(1, OURS)
      const { supervisor, hosts } = supervise(tempHome(), [page.window])
      await supervisor.start()
      let answered = false
      const inFlight = page.bridge['app/info'](undefined).finally(() => (answered = true))
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(answered).toBe(false)
      hosts[0].kill()
      const reply = await inFlight
      expect(reply.ok).toBe(false)
      if (!reply.ok) expect(reply.error.message).toMatch(/started again: try once more/)
      expect(page.portsReceived()).toBe(2)
    } finally {
      process.env.PATH = oldPath
    }
  })

  it('gives up, and says so, when the host keeps dying', { timeout: TIMEOUT }, async () => {
    const page = await openWindow(1, OURS)
    const { supervisor, hosts, fatal } = supervise(tempHome(), [page.window], { maxRestarts: 1 })
    await supervisor.start()
    hosts[0].kill()
    await until(() => hosts.length === 2 && page.portsReceived() === 2, HOST_START_MS, 'the first restart')
    hosts[1].kill()
    await until(() => fatal.length === 1, HOST_START_MS, 'the supervisor to give up')
    expect(fatal[0]).toMatch(/died 2 times within 60 s/)
    expect(hosts).toHaveLength(2)
  })

  it('quit: the host pauses the running run with a checkpoint, closes the store and is not restarted', { timeout: TIMEOUT }, async () => {
    const page = await openWindow(1, OURS)
    const home = tempHome()
    const { supervisor, hosts } = supervise(home, [page.window])
    await supervisor.start()
    const added = await page.bridge['queue/add']({ config: tinyConfig() })
    if (!added.ok) throw new Error(added.error.message)
    await until(() => statusOf(home, added.result.id) === 'running', 20_000, 'the run to start')

    await supervisor.close(10_000)
    expect(await hosts[0].exited).toBe(0)
    // back at the head of the queue, to continue first next time; the store's lock released
    expect(statusOf(home, added.result.id)).toBe('queued')
    expect(hosts).toHaveLength(1)
  })

  it('a home that cannot be opened: start() fails with the reason, and nothing restarts', { timeout: TIMEOUT }, async () => {
    const file = path.join(tempHome(), 'not-a-folder')
    fs.writeFileSync(file, '')
    const { supervisor, hosts } = supervise(file, [])
    await expect(supervisor.start()).rejects.toThrow(/not-a-folder/)
    expect(hosts).toHaveLength(1)
  })
})

/** The run's status as the store has it (read-only: the host may hold the store). */
function statusOf(home: string, runId: number): string | undefined {
  const store = openStore(home, { readonly: true })
  try {
    return store.runs.get(runId)?.status
  } finally {
    store.close()
  }
}
