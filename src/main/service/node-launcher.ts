// Starts trainers with child_process.fork: the built trainer-process.js beside
// this code's own built file (out/cli/ for the CLI, out/main/ for the desktop
// app's service host, the worker bundle's lib/), or, when this module runs from
// TypeScript sources (only the tests: vitest compiles them), the TypeScript
// entry through tsx, a devDependency. Inside the desktop app process.execPath
// is Electron's binary, which ELECTRON_RUN_AS_NODE makes a plain Node.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { PARENT_PID_ENV } from '../trainer/parent-channel.ts'
import { forwardOutputLines, type TrainerHandle, type TrainerLauncher } from './launcher.ts'

export function trainerEntry(): string {
  const self = import.meta.url
  if (self.endsWith('.ts')) return fileURLToPath(new URL('../trainer/process-boot.mjs', self))
  return fileURLToPath(new URL('./trainer-process.js', self))
}

export function nodeTrainerLauncher(entry: string = trainerEntry()): TrainerLauncher {
  return {
    launch(): TrainerHandle {
      // execArgv left empty: a debugger or test runner flag of ours must not follow into the trainer
      const child = fork(entry, [], {
        execArgv: [],
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'json',
        // the trainer's watchdog ends it once this process is gone
        env: { ...process.env, ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}), [PARENT_PID_ENV]: String(process.pid) }
      })
      const outputListeners = forwardOutputLines(child)
      // a write to a trainer that just died fails; its exit is reported separately
      child.on('error', () => {})
      return {
        pid: child.pid,
        send(message) {
          if (child.connected) child.send(message, (error) => void error)
        },
        onMessage: (listener) => child.on('message', listener),
        onOutput: (listener) => outputListeners.push(listener),
        // 'close' comes after the IPC channel and the pipes are drained, so no message is lost
        onExit: (listener) => child.once('close', (code, signal) => listener(code, signal)),
        kill: () => void child.kill('SIGKILL')
      }
    }
  }
}
