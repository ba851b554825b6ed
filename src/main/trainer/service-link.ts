// The trainer's connection to a service it was not forked by (a Slurm job on
// a compute node), kept across the service's restarts. Every message the
// trainer sends is numbered (implicitly: the hello's `next` says the number of
// the first message that follows it) and kept until the service acknowledges
// it ({ack: n}: it has recorded every message up to n). When the connection is
// lost the trainer goes on training and holds its messages; it re-reads the
// connect file, which a new service rewrites with its own address and a new
// token, and reconnects; then it sends again what was not acknowledged, and
// the service skips what it has already had. A service that does not come back
// within the grace period is gone for good: the trainer exits (the job ends,
// and the next service resumes the run from its last checkpoint).
import net from 'node:net'
import { ackSchema, readConnectFile, readJsonLines, writeJsonLine, type ConnectInfo } from './socket-link.ts'

/** How often a lost connection is tried again (the connect file re-read each time). */
export const RECONNECT_EVERY_MS = 1000
/** The grace period in seconds, where not the default (RECONNECT_GRACE_S). */
export const RECONNECT_GRACE_ENV = 'FIXMATCH_LAB_RECONNECT_GRACE_S'
/** How long a trainer waits for a new service: long enough for a login node's service to be restarted by hand. */
export const RECONNECT_GRACE_S = 15 * 60

export interface ServiceLinkOptions {
  connectFile: string
  /** SLURM_JOB_ID: the service checks that the job it attaches to is the one that connects */
  jobId?: string
  graceMs: number
  /** why a connection failed, for the job's stderr */
  report?: (line: string) => void
}

interface Numbered {
  seq: number
  message: unknown
}

export class ServiceLink {
  private socket: net.Socket | undefined
  private readonly unacked: Numbered[] = []
  private nextSeq = 1
  private lostSince: number | undefined
  private retry: NodeJS.Timeout | undefined
  private deliver: ((message: unknown) => void) | undefined
  private readonly early: unknown[] = []
  private readonly goneListeners: (() => void)[] = []
  private readonly ackWaiters: (() => void)[] = []
  private ending = false
  private gone = false

  constructor(private readonly options: ServiceLinkOptions) {
    // the first connection: a connect file that cannot be read is the job's fault, said at once
    this.connect(readConnectFile(options.connectFile))
  }

  send(message: unknown): Promise<void> {
    const numbered = { seq: this.nextSeq++, message }
    this.unacked.push(numbered)
    // while no service listens the message is held: it goes out after the next hello
    return this.socket ? writeJsonLine(this.socket, message) : Promise.resolve()
  }

  onMessage(listener: (message: unknown) => void): void {
    this.deliver = listener
    this.early.splice(0).forEach(listener)
  }

  onGone(listener: () => void): void {
    this.goneListeners.push(listener)
  }

  /** After the last message: waits until the service has recorded everything (across a reconnection, within the grace), then closes. */
  async end(closeWaitMs: number): Promise<void> {
    this.ending = true
    if (this.unacked.length) await new Promise<void>((resolve) => this.ackWaiters.push(resolve))
    const socket = this.socket
    clearTimeout(this.retry)
    if (!socket || socket.destroyed) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, closeWaitMs)
      socket.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      socket.end()
    })
  }

  private connect(info: ConnectInfo): void {
    const socket = net.connect({ host: info.host, port: info.port })
    socket.setNoDelay(true)
    socket.on('error', (error) => this.options.report?.(`the connection to the lab service at ${info.host}:${info.port} failed: ${error.message}`))
    socket.once('close', () => this.lost(socket))
    readJsonLines(socket, (line) => this.received(line))
    this.socket = socket
    const next = this.unacked[0]?.seq ?? this.nextSeq
    void writeJsonLine(socket, { hello: info.token, ...(this.options.jobId ? { jobId: this.options.jobId } : {}), ...(next > 1 ? { next } : {}) })
    // what the last service did not acknowledge, in order, before anything new
    for (const { message } of this.unacked) void writeJsonLine(socket, message)
  }

  private received(line: unknown): void {
    const ack = ackSchema.safeParse(line)
    if (!ack.success) return this.deliver ? this.deliver(line) : void this.early.push(line)
    this.lostSince = undefined
    while (this.unacked.length && this.unacked[0]!.seq <= ack.data.ack) this.unacked.shift()
    if (this.unacked.length === 0) this.ackWaiters.splice(0).forEach((resolve) => resolve())
  }

  private lost(socket: net.Socket): void {
    if (this.socket !== socket) return
    this.socket = undefined
    // our own end, with everything recorded: nothing is lost
    if (this.ending && this.unacked.length === 0) return
    this.lostSince ??= Date.now()
    this.scheduleRetry()
  }

  private scheduleRetry(): void {
    if (this.gone) return
    if (Date.now() - this.lostSince! > this.options.graceMs) {
      this.gone = true
      this.ackWaiters.splice(0).forEach((resolve) => resolve())
      return this.goneListeners.forEach((listener) => listener())
    }
    this.retry = setTimeout(() => {
      let info: ConnectInfo
      try {
        info = readConnectFile(this.options.connectFile)
      } catch {
        return this.scheduleRetry() // being rewritten, or not there yet
      }
      this.connect(info)
    }, RECONNECT_EVERY_MS)
  }
}

/** The grace period from the environment (seconds), else the default. */
export function reconnectGraceMs(env: Record<string, string | undefined>): number {
  const given = env[RECONNECT_GRACE_ENV]
  if (given === undefined || given === '') return RECONNECT_GRACE_S * 1000
  const seconds = Number(given)
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`${RECONNECT_GRACE_ENV} must be a number of seconds (0 or more), got "${given}"`)
  return seconds * 1000
}
