// The service host under a fake Electron parentPort, as a utility process of
// main would run it: main's messages arrive as JSON lines on stdin, the host's
// go out as JSON lines on fd 3. Like Electron's, it queues messages until a
// handler is registered, and says nothing when main dies.
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import readline from 'node:readline'
import { register } from 'tsx/esm/api'

const port = new EventEmitter()
const out = fs.createWriteStream(null, { fd: 3 })
out.on('error', () => {})
process.stdin.on('error', () => {})
port.postMessage = (message) => out.write(`${JSON.stringify(message)}\n`)
const queued = []
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const event = { data: JSON.parse(line), ports: [] }
  if (port.listenerCount('message') > 0) port.emit('message', event)
  else queued.push(event)
})
port.on('newListener', (name) => {
  if (name === 'message') setImmediate(() => queued.splice(0).forEach((event) => port.emit('message', event)))
})
process.parentPort = port
register()
await import('../../../src/main/service-host/entry.ts')
