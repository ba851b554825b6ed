// Electron main's side of the service host: starts it (utilityProcess.fork),
// gives each window of ours a MessageChannel to it, restarts it when it dies
// and reconnects the windows, and at quit asks it to pause the running runs
// with a checkpoint and close. Electron's parts are handed in, so tests run
// the real host in a worker thread with node:worker_threads ports.
import type { FromHost, OpenMessage, ToHost } from './messages.ts'
import { SERVICE_PORT_CHANNEL } from '../../shared/bridge.ts'

/** The parts of Electron's UtilityProcess used here. */
export interface UtilityProcessLike<Port> {
  postMessage(message: ToHost, transfer?: Port[]): void
  on(event: 'message', listener: (message: FromHost) => void): unknown
  on(event: 'exit', listener: (code: number) => void): unknown
  kill(): boolean
}

/** The parts of a window used here: its id, its page's address and a way to hand the page a port. */
export interface HostedWindow<Port> {
  id: number
  webContents: { getURL(): string; isDestroyed(): boolean; postMessage(channel: string, message: unknown, transfer: Port[]): void }
}

/** Port: Electron's MessagePortMain (tests: node:worker_threads' MessagePort). */
export interface SupervisorOptions<Port> {
  /** utilityProcess.fork of the host entry */
  fork(): UtilityProcessLike<Port>
  /** new MessageChannelMain(): port1 goes to the host, port2 to the page */
  channel(): { port1: Port; port2: Port }
  open: Omit<OpenMessage, 'type'>
  windows(): HostedWindow<Port>[]
  /** whether a page at this URL is ours (the built renderer, or the dev server) */
  isOurPage(url: string): boolean
  /** the host cannot be kept up (it died too often, or cannot open the store after a restart) */
  onFatal(message: string): void
  /** at most this many restarts within restartWindowMs before giving up (default 3 in a minute) */
  maxRestarts?: number
  restartWindowMs?: number
}

export class ServiceHostSupervisor<Port> {
  private host: UtilityProcessLike<Port> | undefined
  private ready = false
  private closing: Promise<void> | undefined
  private restarts: number[] = []
  private readonly maxRestarts: number
  private readonly restartWindowMs: number
  /** every host started so far, oldest first (tests watch the restarts) */
  readonly started: UtilityProcessLike<Port>[] = []

  constructor(private readonly options: SupervisorOptions<Port>) {
    this.maxRestarts = options.maxRestarts ?? 3
    this.restartWindowMs = options.restartWindowMs ?? 60_000
  }

  /** Starts the host and opens the store there; rejects with the store's message if it cannot be opened. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const host = this.options.fork()
      this.host = host
      this.ready = false
      this.started.push(host)
      host.on('message', (message) => {
        if (message?.type === 'ready' && !this.ready) {
          this.ready = true
          for (const window of this.options.windows()) this.connect(window)
          resolve()
        } else if (message?.type === 'open-failed') reject(new Error(message.message))
      })
      host.on('exit', (code) => {
        if (this.host !== host) return
        this.host = undefined
        if (!this.ready) return reject(new Error(`the lab service process exited (code ${code}) before it opened the run store`))
        if (!this.closing) this.restart(code)
      })
      host.postMessage({ type: 'open', ...this.options.open })
    })
  }

  /** Gives the window's page (if ours) a fresh port to the host; the previous one, if any, is closed on the host's side. */
  connect(window: HostedWindow<Port>): void {
    const { webContents } = window
    if (!this.host || !this.ready || this.closing || webContents.isDestroyed()) return
    // the port reaches only a page of ours (our preload picks it up); anything else gets nothing
    if (!this.options.isOurPage(webContents.getURL())) return
    const { port1, port2 } = this.options.channel()
    this.host.postMessage({ type: 'connect', windowId: window.id }, [port1])
    webContents.postMessage(SERVICE_PORT_CHANNEL, null, [port2])
  }

  /** The window closed: the host drops its port. */
  disconnect(windowId: number): void {
    if (this.ready && !this.closing) this.host?.postMessage({ type: 'disconnect', windowId })
  }

  /**
   * Asks the host to pause the running runs with a checkpoint, close the store
   * and exit; kills it if it has not gone graceMs (+ a margin) later.
   */
  close(graceMs: number): Promise<void> {
    if (this.closing) return this.closing
    const host = this.host
    this.closing = new Promise<void>((resolve) => {
      if (!host) return resolve()
      const killTimer = setTimeout(() => host.kill(), graceMs + 10_000)
      const done = () => {
        clearTimeout(killTimer)
        resolve()
      }
      host.on('message', (message) => message?.type === 'closed' && done())
      host.on('exit', done)
      host.postMessage({ type: 'close', graceMs })
    })
    return this.closing
  }

  private restart(code: number): void {
    const now = Date.now()
    this.restarts = this.restarts.filter((at) => now - at < this.restartWindowMs)
    if (this.restarts.length >= this.maxRestarts) {
      this.options.onFatal(
        `the lab service process died ${this.restarts.length + 1} times within ${Math.round(this.restartWindowMs / 1000)} s (last exit code ${code})`
      )
      return
    }
    this.restarts.push(now)
    console.error(`the lab service process exited (code ${code}); starting it again`)
    this.start().catch((error: Error) => this.options.onFatal(`the lab service could not be started again: ${error.message}`))
  }
}
