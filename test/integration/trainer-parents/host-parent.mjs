// A stand-in for Electron's main process as the service host's parent, for the
// test that kills it. argv: the home folder. Starts host-process.mjs with
// main's pid in FIXMATCH_LAB_PARENT_PID (as main's utilityProcess.fork does),
// opens the store there with the real trainer entry, and prints
// {"hostPid":N} once the host is ready.
import { spawn } from 'node:child_process'
import readline from 'node:readline'

const [homeDir] = process.argv.slice(2)
const host = spawn(process.execPath, [new URL('./host-process.mjs', import.meta.url).pathname], {
  stdio: ['pipe', 'inherit', 'inherit', 'pipe'],
  env: { ...process.env, FIXMATCH_LAB_PARENT_PID: String(process.pid) }
})
readline.createInterface({ input: host.stdio[3] }).on('line', (line) => {
  const message = JSON.parse(line)
  if (message.type === 'ready') console.log(JSON.stringify({ hostPid: host.pid }))
  else console.error('host-parent: the host said', line)
})
const trainerEntry = new URL('../../../src/main/trainer/process-boot.mjs', import.meta.url).pathname
host.stdin.write(`${JSON.stringify({ type: 'open', homeDir, appVersion: '0.1.0-test', trainerEntry })}\n`)
