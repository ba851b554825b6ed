// Inside the app, trainers run as Electron utility processes (a Node process
// Electron manages and ends with the app); the service gets the same handle
// as from child_process.fork outside Electron.
import { utilityProcess } from 'electron'
import type { ToTrainer } from './trainer/protocol.ts'
import { forwardOutputLines, type TrainerHandle, type TrainerLauncher } from './service/launcher.ts'

/** Messages reach the parent before its 'exit' event in practice; this margin makes sure of it. */
const EXIT_DELIVERY_MS = 100

export function utilityTrainerLauncher(entry: string): TrainerLauncher {
  return {
    launch(): TrainerHandle {
      const child = utilityProcess.fork(entry, [], { serviceName: 'FixMatch Lab trainer', stdio: 'pipe' })
      let spawned = false
      const pending: ToTrainer[] = []
      child.once('spawn', () => {
        spawned = true
        for (const message of pending.splice(0)) child.postMessage(message)
      })
      const outputListeners = forwardOutputLines(child)
      return {
        get pid() {
          return child.pid
        },
        send(message) {
          if (spawned) child.postMessage(message)
          else pending.push(message)
        },
        onMessage: (listener) => child.on('message', listener),
        onOutput: (listener) => outputListeners.push(listener),
        onExit: (listener) => child.once('exit', (code) => setTimeout(() => listener(code, null), EXIT_DELIVERY_MS)),
        kill: () => void child.kill()
      }
    }
  }
}
