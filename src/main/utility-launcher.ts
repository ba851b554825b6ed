// Inside the app, trainers run as Electron utility processes (a Node process
// Electron manages and ends with the app); the service gets the same handle
// as from child_process.fork outside Electron.
import { utilityProcess } from 'electron'
import type { ToTrainer } from './trainer/protocol.ts'
import { PARENT_PID_ENV } from './trainer/parent-channel.ts'
import { forwardOutputLines, type TrainerHandle, type TrainerLauncher } from './service/launcher.ts'

/** Messages reach the parent before its 'exit' event in practice; this margin makes sure of it. */
const EXIT_DELIVERY_MS = 100

export function utilityTrainerLauncher(entry: string): TrainerLauncher {
  return {
    launch(): TrainerHandle {
      // Electron does not end a utility process whose parent was killed: the trainer's watchdog does, by this pid
      const child = utilityProcess.fork(entry, [], { serviceName: 'FixMatch Lab trainer', stdio: 'pipe', env: { ...process.env, [PARENT_PID_ENV]: String(process.pid) } })
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
