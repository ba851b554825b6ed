// Stands in for Electron's utility process: the real service host
// (runServiceHost) in a worker thread. worker_threads' parentPort and
// MessagePorts are adapted to the shapes Electron's ParentPort and
// MessagePortMain have ('message' events carry { data, ports }).
import { parentPort, type MessagePort } from 'node:worker_threads'
import { runServiceHost, type HostParentPort } from '../../../src/main/service-host/host.ts'
import type { HostPort } from '../../../src/main/service-host/window-port.ts'

function asPortMain(port: MessagePort): HostPort {
  return {
    on: (event: 'message' | 'close', listener: (event: { data: unknown }) => void) =>
      event === 'message' ? port.on('message', (data: unknown) => listener({ data })) : port.on('close', () => listener({ data: undefined })),
    postMessage: (message) => port.postMessage(message),
    start: () => port.start(),
    close: () => port.close()
  }
}

const parent: HostParentPort = {
  // the fake fork sends { data, ports } with the ports in the transfer list, as Electron delivers them
  on: (_event, listener) =>
    parentPort!.on('message', ({ data, ports }: { data: unknown; ports: MessagePort[] }) => listener({ data, ports: ports.map(asPortMain) })),
  postMessage: (message) => parentPort!.postMessage(message)
}

runServiceHost(parent, (code) => process.exit(code))
