// The service host: the lab service (synchronous SQLite, doctor's probes, the
// trainers it forks) in a process of its own, so that Electron's main process
// never waits on it. Main sends 'open', then one 'connect' per window carrying
// the host end of that window's MessageChannel (window-port.ts), and 'close'
// at quit. Plain Node, no Electron import: entry.ts hands in Electron's
// process.parentPort, tests a worker thread's.
import { LabService } from '../service/index.ts'
import { nodeTrainerLauncher } from '../service/node-launcher.ts'
import { bindWindowPort, type HostPort } from './window-port.ts'
import type { FromHost, OpenMessage, ToHost } from './messages.ts'

/** The parts of Electron's ParentPort used here. */
export interface HostParentPort {
  on(event: 'message', listener: (event: { data: unknown; ports: HostPort[] }) => void): unknown
  postMessage(message: FromHost): void
}

export function runServiceHost(parent: HostParentPort, exit: (code: number) => void): void {
  let service: LabService | undefined
  let closing = false
  const windows = new Map<number, () => void>()

  const open = (message: OpenMessage) => {
    if (service) return parent.postMessage({ type: 'ready' })
    try {
      service = LabService.open({
        homeDir: message.homeDir,
        autoResume: true,
        appVersion: message.appVersion,
        // trainers are plain Node children of this process (see ARCHITECTURE.md): fork works here, utilityProcess.fork does not
        launcher: nodeTrainerLauncher(message.trainerEntry)
      })
      service.start()
      parent.postMessage({ type: 'ready' })
    } catch (error) {
      // main shows this and quits; a restart would meet the same store
      parent.postMessage({ type: 'open-failed', message: (error as Error).message })
    }
  }

  const close = async (graceMs: number) => {
    if (closing) return
    closing = true
    for (const unbind of windows.values()) unbind()
    windows.clear()
    try {
      await service?.close({ pauseRunning: true, graceMs })
    } catch (error) {
      console.error('closing the lab service:', error)
    }
    parent.postMessage({ type: 'closed' })
    // let the message leave before the process does
    setTimeout(() => exit(0), 20)
  }

  parent.on('message', ({ data, ports }) => {
    const message = data as ToHost
    switch (message?.type) {
      case 'open':
        return open(message)
      case 'connect': {
        const port = ports[0]
        if (!port) return
        if (!service || closing) return port.close()
        windows.get(message.windowId)?.()
        windows.set(message.windowId, bindWindowPort(port, service.handlers, service.events))
        return
      }
      case 'disconnect':
        windows.get(message.windowId)?.()
        windows.delete(message.windowId)
        return
      case 'close':
        return void close(message.graceMs)
      default:
        console.error('the service host got a message it does not know:', data)
    }
  })
}
