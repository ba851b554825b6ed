// Electron's side without Electron: ipc.ts bound to a fake ipcMain, and the
// preload against a mocked electron module. Exactly the contract crosses:
// one channel per command, the contract's events only, untrusted pages refused.
import { describe, expect, it, vi } from 'vitest'
import { COMMAND_NAMES, EVENT_NAMES } from '../../src/shared/api.ts'
import { bindIpc, type IpcMainLike } from '../../src/main/ipc.ts'
import { toApiError as rendererError } from '../../src/renderer/src/api/errors.ts'
import { fakeLauncher, openService, tempHome, tinyConfig } from './service-helpers.ts'

type Listener = (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown

function fakeIpcMain() {
  const handlers = new Map<string, Listener>()
  const ipc: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel)
  }
  return { ipc, handlers }
}

const OURS = 'file:///app/out/renderer/index.html'

describe('Electron IPC binding', () => {
  it('binds one channel per command that calls the service, and refuses pages that are not ours', async () => {
    const service = openService({ homeDir: tempHome(), launcher: fakeLauncher() })
    const { ipc, handlers } = fakeIpcMain()
    const unbind = bindIpc(ipc, service.handlers, service.events, { windows: () => [], isTrusted: (url) => url.startsWith('file:///app/out/renderer/') })
    expect([...handlers.keys()].sort()).toEqual([...COMMAND_NAMES].sort())

    const run = (await handlers.get('queue/add')!({ senderFrame: { url: OURS } }, { config: tinyConfig() })) as { id: number; status: string }
    expect(run.status).toBe('queued')
    await expect(Promise.resolve(handlers.get('queue/list')!({ senderFrame: { url: 'https://evil.example/' } }))).rejects.toThrow(/not FixMatch Lab's/)
    await expect(Promise.resolve(handlers.get('queue/list')!({ senderFrame: null }))).rejects.toThrow(/refused/)
    unbind()
    expect(handlers.size).toBe(0)
  })

  it('sends errors as the contract shape, which the renderer reads back with the field', async () => {
    const service = openService({ homeDir: tempHome(), launcher: fakeLauncher() })
    const { ipc, handlers } = fakeIpcMain()
    bindIpc(ipc, service.handlers, service.events, { windows: () => [], isTrusted: () => true })
    let thrown: Error | undefined
    try {
      await handlers.get('queue/add')!({ senderFrame: { url: OURS } }, { config: { batchSize: 0 } })
    } catch (error) {
      thrown = error as Error
    }
    // what Electron hands the page: its prefix, then our message
    const seen = rendererError(new Error(`Error invoking remote method 'queue/add': Error: ${thrown!.message}`))
    expect(seen.field).toBe('batchSize')
    expect(seen.message).toMatch(/^batchSize: 0 is not allowed/)
  })

  it('forwards every contract event to every open window, on a channel named as the event', async () => {
    const service = openService({ homeDir: tempHome(), launcher: fakeLauncher() })
    const sent: [string, unknown][] = []
    const open = { webContents: { send: (channel: string, payload: unknown) => void sent.push([channel, payload]), isDestroyed: () => false } }
    const closed = { webContents: { send: () => expect.unreachable('sent to a destroyed window'), isDestroyed: () => true } }
    bindIpc(fakeIpcMain().ipc, service.handlers, service.events, { windows: () => [open, closed], isTrusted: () => true })
    await service.handlers['queue/add']({ config: tinyConfig() })
    const channels = new Set(sent.map(([channel]) => channel))
    expect(channels).toEqual(new Set(['run/status', 'queue/changed', 'log']))
    for (const channel of channels) expect(EVENT_NAMES).toContain(channel)
  })
})

describe('preload bridge', () => {
  it('exposes exactly one method per command plus on(), and only the contract events', async () => {
    const exposed: Record<string, unknown> = {}
    const invoke = vi.fn(async (channel: string, request: unknown) => ({ channel, request }))
    const listeners = new Map<string, Set<(...args: unknown[]) => void>>()
    vi.doMock('electron', () => ({
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
      ipcRenderer: {
        invoke,
        on: (channel: string, listener: (...args: unknown[]) => void) => {
          if (!listeners.has(channel)) listeners.set(channel, new Set())
          listeners.get(channel)!.add(listener)
        },
        removeListener: (channel: string, listener: (...args: unknown[]) => void) => void listeners.get(channel)?.delete(listener)
      }
    }))
    await import('../../src/preload/index.ts')
    vi.doUnmock('electron')
    const bridge = exposed.fixmatchLab as Record<string, (...args: unknown[]) => unknown>
    expect(Object.keys(exposed)).toEqual(['fixmatchLab'])
    expect(Object.keys(bridge).sort()).toEqual([...COMMAND_NAMES, 'on'].sort())

    expect(await bridge['runs/get']({ runId: 3 })).toEqual({ channel: 'runs/get', request: { runId: 3 } })
    expect(invoke).toHaveBeenCalledTimes(1)

    const payloads: unknown[] = []
    const off = bridge.on('run/progress', (payload: unknown) => payloads.push(payload)) as () => void
    const ipcEvent = { sender: 'the ipcRenderer itself' }
    for (const listener of listeners.get('run/progress')!) listener(ipcEvent, { runId: 1, step: 5 })
    expect(payloads).toEqual([{ runId: 1, step: 5 }])
    off()
    expect(listeners.get('run/progress')!.size).toBe(0)
    // no other channel can be listened to, whatever the page asks
    expect(() => bridge.on('queue/add', () => {})).toThrow(/unknown event/)
    expect(() => bridge.on('ELECTRON_BROWSER_WINDOW_ALERT', () => {})).toThrow(/unknown event/)
    expect(listeners.has('queue/add')).toBe(false)
  })
})
