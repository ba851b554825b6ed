// A stand-in for the lab service as a trainer's parent, for the tests that
// kill it. argv: mode, start message (JSON).
//   fork: starts the trainer as the service does outside Electron (nodeTrainerLauncher)
//   port: as Electron's utilityProcess would: the trainer sees a fake
//         process.parentPort (fake-parent-port.mjs) and no IPC channel, so no
//         'disconnect' notice either, as under Electron
// Prints {"spawnedPid":N} at once, then {"trainerPid":N,"step":S} for each checkpoint the trainer reports.
import { spawn } from 'node:child_process'
import readline from 'node:readline'
import { register } from 'tsx/esm/api'

register()
const [mode, startJson] = process.argv.slice(2)
const start = JSON.parse(startJson)
const announce = (pid, message) => {
  if (message.type === 'checkpoint') console.log(JSON.stringify({ trainerPid: pid, step: message.step }))
}

if (mode === 'fork') {
  const { nodeTrainerLauncher } = await import('../../../src/main/service/node-launcher.ts')
  const handle = nodeTrainerLauncher().launch()
  handle.onMessage((message) => announce(handle.pid, message))
  console.log(JSON.stringify({ spawnedPid: handle.pid }))
  handle.send(start)
} else if (mode === 'port') {
  const { PARENT_PID_ENV } = await import('../../../src/main/trainer/parent-channel.ts')
  const child = spawn(process.execPath, [new URL('./fake-parent-port.mjs', import.meta.url).pathname], {
    stdio: ['pipe', 'inherit', 'inherit', 'pipe'],
    env: { ...process.env, [PARENT_PID_ENV]: String(process.pid) }
  })
  console.log(JSON.stringify({ spawnedPid: child.pid }))
  readline.createInterface({ input: child.stdio[3] }).on('line', (line) => announce(child.pid, JSON.parse(line)))
  child.stdin.write(`${JSON.stringify(start)}\n`)
} else {
  throw new Error(`mode must be fork or port, got ${mode}`)
}
