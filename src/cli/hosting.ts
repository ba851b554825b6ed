// What `worker` and `serve` share: the lab service with its scheduler, the
// HTTP/WebSocket bridge, the published service.json, and a clean Ctrl-C
// (the running runs pause with a checkpoint and wait first in the queue;
// a second Ctrl-C kills them, and they resume from their last checkpoint later).
import { LabService } from '../main/service/index.ts'
import { homeToken, sessionCookieName, startLabServer, type LabServer } from '../main/server/index.ts'
import { StoreLockedError } from '../main/store/index.ts'
import { SettingsFileError } from '../main/service/settings-file.ts'
import { CliError } from './args.ts'
import type { Executor } from '../shared/executor.ts'
import { publishService, readServiceFile } from './service-file.ts'
import { printServiceEvents } from './service-output.ts'

export interface HostOptions {
  home: string
  mode: 'worker' | 'serve'
  host?: string
  port?: number
  rendererDir?: string
  quiet?: boolean
  /** `--slots`: runs trained at once */
  slots?: number
  /** `--executor`: where the runs it queues without one train */
  executor?: Executor
  /** `serve --new-token`: replace the home's kept token, logging out every open page */
  newToken?: boolean
}

export interface Hosted {
  service: LabService
  server: LabServer
  /** resolves once stopped (by stop() or a signal) */
  stopped: Promise<void>
  /** true once a signal asked to stop */
  readonly interrupted: boolean
  stop(): Promise<void>
}

/** The home's store is held by another lab service: who, and what to do instead. */
export function storeInUseError(home: string, error: StoreLockedError): CliError {
  const published = readServiceFile(home)
  const holder = published ? `a ${published.mode} (process ${published.pid}, ${published.url})` : `process ${error.pid ?? '(unknown)'}`
  return new CliError(
    `the run store in ${home} is in use by ${holder}: one lab service per home folder. Queue work for it with \`fixmatch-lab queue add\`, or stop it first.`,
    'unavailable'
  )
}

export async function hostLab(options: HostOptions): Promise<Hosted> {
  let service: LabService
  try {
    service = LabService.open({ homeDir: options.home, autoResume: true, slots: options.slots, executor: options.executor })
  } catch (error) {
    if (error instanceof SettingsFileError) throw new CliError(error.message)
    if (!(error instanceof StoreLockedError)) throw error
    throw storeInUseError(options.home, error)
  }
  let server: LabServer
  try {
    // only once the store is ours: a serve refused for a busy home must not rotate the running one's token
    const token = homeToken(options.home, { rotate: options.newToken })
    server = await startLabServer({
      token,
      cookieName: sessionCookieName(options.home),
      handlers: service.handlers,
      events: service.events,
      host: options.host,
      port: options.port,
      rendererDir: options.rendererDir
    })
  } catch (error) {
    await service.close({ pauseRunning: false })
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE')
      throw new CliError(`port ${options.port} on ${options.host ?? '127.0.0.1'} is in use: pass --port 0 for any free port, or another number`, 'unavailable')
    throw error
  }
  const unpublish = publishService(options.home, { url: server.url, token: server.token, mode: options.mode })
  const stopPrinting = printServiceEvents(service.events, options.quiet)

  let interrupted = false
  let stopping: Promise<void> | undefined
  let resolveStopped!: () => void
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve))
  const stop = () => {
    stopping ??= (async () => {
      try {
        await service.close({ pauseRunning: true })
        await server.close()
      } finally {
        unpublish()
        stopPrinting()
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
        process.off('exit', unpublish)
        resolveStopped()
      }
    })()
    return stopping
  }
  const onSignal = () => {
    if (stopping) {
      process.stderr.write('stopping now: the running runs are killed and resume from their last checkpoint next time\n')
      void service.close()
      return
    }
    interrupted = true
    const running = service.runningRunIds
    process.stderr.write(running.length ? `pausing run ${running.join(', ')} with a checkpoint (Ctrl-C again to stop at once)...\n` : 'stopping...\n')
    void stop()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('exit', unpublish)
  return {
    service,
    server,
    stopped,
    get interrupted() {
      return interrupted
    },
    stop
  }
}
