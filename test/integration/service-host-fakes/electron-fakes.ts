// Fakes of the Electron parts the service host's supervisor uses, carrying
// real behaviour: utilityProcess.fork starts a worker thread running the real
// host (host-worker.ts), MessageChannelMain is node:worker_threads'
// MessageChannel, and a window is the real preload (loaded against a mocked
// electron module) whose ipcRenderer receives the port main posts.
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads'
import { vi } from 'vitest'
import type { HostedWindow, UtilityProcessLike } from '../../../src/main/service-host/supervisor.ts'
import { SERVICE_PORT_CHANNEL, type PortBridge } from '../../../src/shared/bridge.ts'
import { REPO } from '../process-helpers.ts'

const BOOT = path.join(REPO, 'src/main/trainer/data/ts-worker-boot.mjs')
const HOST_WORKER = pathToFileURL(path.join(REPO, 'test/integration/service-host-fakes/host-worker.ts')).href
export const IDLE_TRAINER = path.join(REPO, 'test/integration/service-host-fakes/idle-trainer.mjs')

export interface FakeUtilityProcess extends UtilityProcessLike<MessagePort> {
  readonly exited: Promise<number>
}

/** utilityProcess.fork of the host entry: a worker thread, ended by kill() as a killed process would be. */
export function forkHostInWorker(): FakeUtilityProcess {
  const worker = new Worker(BOOT, { workerData: { tsEntry: HOST_WORKER } })
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve))
  return {
    exited,
    // Electron hands the child { data, ports }: so does this
    postMessage: (message, transfer = []) => worker.postMessage({ data: message, ports: transfer }, transfer),
    // worker_threads' 'message' hands the value and 'exit' the code, as a UtilityProcess does
    on: ((event: 'message' | 'exit', listener: (value: unknown) => void) => worker.on(event, listener)) as FakeUtilityProcess['on'],
    kill: () => {
      void worker.terminate()
      return true
    }
  }
}

export const messageChannel = (): { port1: MessagePort; port2: MessagePort } => new MessageChannel()

export interface FakeWindow {
  window: HostedWindow<MessagePort>
  /** what the preload put on window.fixmatchLab */
  bridge: PortBridge
  /** how many ports main has handed this page */
  portsReceived: () => number
}

/** A window whose page is at `url`, running its own copy of the real preload. */
export async function openWindow(id: number, url: string): Promise<FakeWindow> {
  const exposed: Record<string, unknown> = {}
  let deliver: ((event: { ports: MessagePort[] }) => void) | undefined
  let received = 0
  vi.doMock('electron', () => ({
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
    ipcRenderer: {
      on: (channel: string, listener: (event: { ports: MessagePort[] }) => void) => {
        if (channel === SERVICE_PORT_CHANNEL) deliver = listener
      }
    }
  }))
  vi.resetModules()
  await import('../../../src/preload/index.ts')
  vi.doUnmock('electron')
  const window: HostedWindow<MessagePort> = {
    id,
    webContents: {
      getURL: () => url,
      isDestroyed: () => false,
      postMessage: (channel, _message, transfer) => {
        if (channel !== SERVICE_PORT_CHANNEL) throw new Error(`unexpected channel ${channel}`)
        received++
        deliver!({ ports: transfer })
      }
    }
  }
  return { window, bridge: exposed.fixmatchLab as PortBridge, portsReceived: () => received }
}
