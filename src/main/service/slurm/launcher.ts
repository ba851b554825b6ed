// The slurm executor behind the TrainerLauncher interface: each launch is one
// batch job whose script starts the trainer on a compute node. The trainer
// reaches the service over TCP (the trainer protocol as JSON lines,
// trainer/socket-link.ts): the service listens, and the job gets the path of a
// connect file (address + a token for this launch, mode 0600) under
// <home>/slurm/, which is on the filesystem the cluster shares. The store keeps
// its one writer: the trainer only talks to the service.
//
// A handle's life: launch() makes the token; the start message the service
// sends next names the run and its home, and submits the job (sbatch
// --parsable); messages wait until the trainer connects and says hello, then
// flow both ways. The job's state is polled with backoff (watch-job.ts); the
// handle's exit comes once Slurm says the job ended and the connection has
// closed. kill() is scancel. sbatch refusing the job fails the run with
// sbatch's words; a pause or stop before the trainer connected cancels the
// job (nothing ran: a pause reports `paused` at once).
//
// A service that stops detaches from its jobs (they keep running); the next
// one launches a handle for the run's stored job id, which submits nothing: it
// rewrites the run's connect file with its own address and a new token, and
// the trainer, which holds its messages meanwhile, reconnects and sends again
// what the last service did not acknowledge (trainer/service-link.ts). The
// handle numbers what it receives and skips what it already had; the run
// session acknowledges once what it received is in the store.
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import type { SlurmJobOptionsInput } from '../../../shared/slurm.ts'
import { CONNECT_FILE_ENV, helloSchema, readConnectFile, readJsonLines, writeConnectFile, writeJsonLine, type Hello } from '../../trainer/socket-link.ts'
import type { FromTrainer, StartMessage, ToTrainer } from '../../trainer/protocol.ts'
import { lineSplitter, type LaunchRequest, type TrainerHandle, type TrainerLauncher } from '../launcher.ts'
import { trainerEntry } from '../node-launcher.ts'
import { SlurmClient, type SlurmJobState } from './client.ts'
import { DEFAULT_POLL, watchJob, type JobWatch, type PollTiming } from './watch-job.ts'

export interface SlurmLauncherOptions {
  /** the address the service listens on for its trainers (default all interfaces) */
  listenHost?: string
  /** the name the compute nodes reach this machine by (default its host name) */
  connectHost?: string
  /** default: any free port */
  port?: number
  /** the Slurm options of a run launched without its own (partition, GPUs, time limit, account, extra lines) */
  jobOptions?: (runId: number) => SlurmJobOptionsInput
  /** the Slurm commands (tests hand in a fake) */
  client?: SlurmJobs
  poll?: PollTiming
  /** the program and arguments the job runs (default this Node and the built trainer entry, as node-launcher.ts forks it) */
  trainerCommand?: string[]
}

export interface SlurmTrainerHandle extends TrainerHandle {
  /** the Slurm job id, once sbatch has given one */
  readonly jobId: string | undefined
  /** each new job state (PENDING, RUNNING on a node, ...), for the queue view */
  onJobState(listener: (state: SlurmJobState) => void): void
  /** the job id, as soon as sbatch has given it */
  onJobSubmitted(listener: (jobId: string) => void): void
  /** everything received so far is recorded: the trainer may forget it */
  acknowledge(): void
  /** lets go of the job without ending it (the service stops; the next one re-attaches): no exit follows */
  detach(): void
}

export interface SlurmTrainerLauncher extends TrainerLauncher {
  /** run: its Slurm options (else jobOptions of the launcher's options) */
  launch(run?: LaunchRequest): SlurmTrainerHandle
  /** stops listening (handles still open lose their trainers' connections) */
  close(): Promise<void>
  /** the Slurm commands it uses, for the service's recovery (which jobs still run, scancel of orphans) */
  readonly jobs: SlurmJobs
}

/** A connection that has not said hello with a valid token by then is dropped. */
const HELLO_TIMEOUT_MS = 10_000
/** After Slurm says the job ended, its connection gets this long to deliver the rest. */
const DRAIN_MS = 10_000

/** The job's folder for a run: its scripts, connect files and output. */
export function slurmRunDir(homeDir: string, runId: number): string {
  return path.join(homeDir, 'slurm', `run-${runId}`)
}

/** A shell word: single-quoted, with any ' closed, escaped and reopened. */
function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`
}

export function jobScript(runId: number, connectFile: string, command: string[]): string {
  return [
    '#!/bin/sh',
    `# FixMatch Lab: the trainer of run ${runId}, submitted by the lab service on ${os.hostname()}`,
    `export ${CONNECT_FILE_ENV}=${shellWord(connectFile)}`,
    // the desktop app's service runs on Electron's binary, which this makes a plain Node
    ...(process.versions.electron ? ['export ELECTRON_RUN_AS_NODE=1'] : []),
    // exec: Slurm's signals (--signal=B:USR1, scancel's SIGTERM) reach the trainer itself
    `exec ${command.map(shellWord).join(' ')}`,
    ''
  ].join('\n')
}

export function slurmTrainerLauncher(options: SlurmLauncherOptions = {}): SlurmTrainerLauncher {
  const client = options.client ?? new SlurmClient()
  const command = options.trainerCommand ?? [process.execPath, trainerEntry()]
  /** sha256(token) -> the handle waiting for that trainer */
  const waiting = new Map<string, SlurmHandle>()
  let server: net.Server | undefined
  let listening: Promise<number> | undefined

  function listen(): Promise<number> {
    listening ??= new Promise((resolve, reject) => {
      server = net.createServer((socket) => greet(socket))
      // listening alone keeps no service process alive (a connected trainer does)
      server.unref()
      server.once('error', reject)
      server.listen(options.port ?? 0, options.listenHost ?? '0.0.0.0', () => resolve((server!.address() as net.AddressInfo).port))
    })
    return listening
  }

  function greet(socket: net.Socket): void {
    socket.setNoDelay(true)
    socket.on('error', () => {})
    const timer = setTimeout(() => socket.destroy(), HELLO_TIMEOUT_MS)
    let handle: SlurmHandle | undefined
    readJsonLines(socket, (message) => {
      if (handle) return handle.received(message)
      clearTimeout(timer)
      const hello = helloSchema.safeParse(message)
      const claimed = hello.success ? waiting.get(tokenKey(hello.data.hello)) : undefined
      if (!claimed || !claimed.attach(socket, hello.data!)) return void socket.destroy()
      handle = claimed
    })
  }

  const settings: HandleSettings = {
    client,
    command,
    poll: options.poll ?? DEFAULT_POLL,
    jobOptions: options.jobOptions ?? (() => ({})),
    connectHost: options.connectHost ?? os.hostname(),
    listen,
    forget: (key) => waiting.delete(key)
  }

  return {
    jobs: client,
    launch(run) {
      const handle = new SlurmHandle(settings, run?.slurm ?? undefined, run?.jobId)
      waiting.set(handle.key, handle)
      return handle
    },
    async close() {
      if (!server) return
      const closing = server
      server = undefined
      listening = undefined
      await new Promise<void>((resolve) => closing.close(() => resolve()))
    }
  }
}

function tokenKey(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex')
}

/** What a handle needs of the client. */
export type SlurmJobs = Pick<SlurmClient, 'submit' | 'state' | 'cancel' | 'queued'>

interface HandleSettings {
  client: SlurmJobs
  command: string[]
  poll: PollTiming
  jobOptions: (runId: number) => SlurmJobOptionsInput
  connectHost: string
  listen(): Promise<number>
  forget(key: string): void
}

type ExitListener = (code: number | null, signal: string | null) => void
type OutputListener = (line: string, stream: 'stdout' | 'stderr') => void

class SlurmHandle implements SlurmTrainerHandle {
  readonly pid = undefined
  readonly key: string
  jobId: string | undefined
  private readonly token = crypto.randomBytes(32).toString('hex')
  private readonly messageListeners: ((message: unknown) => void)[] = []
  private readonly outputListeners: OutputListener[] = []
  private readonly exitListeners: ExitListener[] = []
  private readonly stateListeners: ((state: SlurmJobState) => void)[] = []
  private readonly submittedListeners: ((jobId: string) => void)[] = []
  /** messages for the trainer until it connects */
  private readonly outbox: ToTrainer[] = []
  private socket: net.Socket | undefined
  private socketClosed: Promise<void> | undefined
  /** the number of the next line from the trainer, and of the last one delivered (a reconnecting trainer sends again what was not acknowledged) */
  private nextSeq = 1
  private lastSeq = 0
  private ackedSeq = 0
  private detached = false
  private watch: JobWatch | undefined
  private submitting = false
  /** no trainer may connect any more: it was cancelled before it did, or the handle ended */
  private closed = false
  private killed = false
  private exited = false
  private connectFile: string | undefined
  private tails: FileTail[] = []

  constructor(
    private readonly settings: HandleSettings,
    /** the run's own job options, if it came with them */
    private readonly jobOptions: SlurmJobOptionsInput | undefined,
    /** a job already submitted (by an earlier service) that this handle attaches to */
    private readonly attachTo?: string
  ) {
    this.key = tokenKey(this.token)
  }

  send(message: ToTrainer): void {
    if (this.socket) return void writeJsonLine(this.socket, message)
    if (this.exited) return
    if (message.type === 'start' && this.attachTo !== undefined) {
      // the job's trainer has it already (or gets it when its pending job starts): a trainer that runs ignores it
      if (!this.jobId) this.outbox.push(message)
      if (!this.jobId) void this.reattach(message, this.attachTo)
      return
    }
    if (message.type === 'start' && !this.submitting) {
      this.submitting = true
      this.outbox.push(message)
      void this.submit(message)
      return
    }
    if (message.type === 'start') return
    if (this.submitting) {
      // nothing has run yet: end the job rather than hold an allocation for a trainer that would only stop
      this.closed = true
      if (message.type === 'pause') this.emit({ type: 'paused' })
      this.kill()
      return
    }
    this.outbox.push(message)
  }

  onMessage(listener: (message: unknown) => void): void {
    this.messageListeners.push(listener)
  }
  onOutput(listener: OutputListener): void {
    this.outputListeners.push(listener)
  }
  onExit(listener: ExitListener): void {
    this.exitListeners.push(listener)
  }
  onJobState(listener: (state: SlurmJobState) => void): void {
    this.stateListeners.push(listener)
  }
  onJobSubmitted(listener: (jobId: string) => void): void {
    this.submittedListeners.push(listener)
  }

  kill(): void {
    if (this.exited) return
    this.closed = true
    this.killed = true
    if (this.jobId) void this.cancel(this.jobId)
    // not submitted (no start message yet): nothing to end
    else if (!this.submitting) this.end(null, 'SIGKILL')
    // while sbatch runs: cancelled as soon as it gives the job id (submit())
  }

  /** The trainer connected with our token (again, after a lost connection: its hello says which message comes next). */
  attach(socket: net.Socket, hello: Hello): boolean {
    if (this.socket || this.closed) return false
    // the connect file is the run's: only the job we follow may use it
    if (this.jobId && hello.jobId && hello.jobId !== this.jobId) return false
    this.socket = socket
    this.nextSeq = hello.next ?? 1
    this.socketClosed = new Promise((resolve) => socket.once('close', () => resolve()))
    socket.once('close', () => {
      if (this.socket === socket) this.socket = undefined
      this.watch?.nudge()
    })
    for (const message of this.outbox.splice(0)) void writeJsonLine(socket, message)
    return true
  }

  received(message: unknown): void {
    if (this.detached) return
    const seq = this.nextSeq++
    if (seq <= this.lastSeq) return // had it before the trainer reconnected
    this.lastSeq = seq
    for (const listener of this.messageListeners) listener(message)
  }

  acknowledge(): void {
    if (!this.socket || this.detached || this.lastSeq === this.ackedSeq) return
    this.ackedSeq = this.lastSeq
    void writeJsonLine(this.socket, { ack: this.lastSeq })
  }

  detach(): void {
    if (this.exited) return
    this.detached = true
    this.exited = true
    this.closed = true
    this.watch?.stop()
    this.readOutput()
    this.settings.forget(this.key)
    // the connect file stays: the trainer re-reads it until the next service rewrites it
    this.socket?.end()
  }

  private async submit(start: StartMessage): Promise<void> {
    const dir = slurmRunDir(start.homeDir, start.runId)
    const name = this.token.slice(0, 12)
    try {
      await this.publish(dir)
      const stdoutPath = path.join(dir, `job-%j.out`)
      const stderrPath = path.join(dir, `job-%j.err`)
      this.jobId = await this.settings.client.submit({
        script: jobScript(start.runId, this.connectFile!, this.settings.command),
        scriptPath: path.join(dir, `job-${name}.sh`),
        options: this.jobOptions ?? this.settings.jobOptions(start.runId),
        jobName: `fixmatch-lab-run-${start.runId}`,
        stdoutPath,
        stderrPath,
        workDir: start.homeDir
      })
    } catch (error) {
      // the run fails with sbatch's (or the option check's) own words
      this.emit({ type: 'failed', message: (error as Error).message, diskFull: false, resumable: false })
      this.end(null, null)
      return
    }
    const jobId = this.jobId
    for (const listener of this.submittedListeners) listener(jobId)
    if (this.killed) void this.cancel(jobId)
    this.follow(dir, jobId)
  }

  /** An earlier service's job: its trainer is told where this service listens, and the job is followed from here. */
  private async reattach(start: StartMessage, jobId: string): Promise<void> {
    const dir = slurmRunDir(start.homeDir, start.runId)
    this.jobId = jobId
    try {
      await this.publish(dir)
    } catch (error) {
      // its trainer cannot find us: the job is left to end (the grace period), and the run is resumed after
      this.output(`slurm: cannot re-attach to job ${jobId}: ${(error as Error).message}`)
    }
    this.follow(dir, jobId)
    if (this.killed) void this.cancel(jobId)
  }

  /** The run's connect file (one per run: a re-attaching service rewrites it) with this service's address and this handle's token. */
  private async publish(dir: string): Promise<void> {
    const port = await this.settings.listen()
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
    this.connectFile = path.join(dir, 'connect.json')
    writeConnectFile(this.connectFile, { host: this.settings.connectHost, port, token: this.token })
  }

  private follow(dir: string, jobId: string): void {
    this.tails = [
      new FileTail(path.join(dir, `job-${jobId}.out`), 'stdout', this.outputListeners),
      new FileTail(path.join(dir, `job-${jobId}.err`), 'stderr', this.outputListeners)
    ]
    this.watch = watchJob(
      this.settings.client,
      jobId,
      {
        onState: (state) => {
          this.readOutput()
          for (const listener of this.stateListeners) listener(state)
        },
        onEnded: (state) => void this.jobEnded(state),
        onError: (error) => this.output(`slurm: reading job ${jobId}'s state failed: ${error.message}`)
      },
      this.settings.poll
    )
  }

  private async cancel(jobId: string): Promise<void> {
    try {
      await this.settings.client.cancel(jobId)
    } catch (error) {
      this.output((error as Error).message)
    }
  }

  private async jobEnded(state: SlurmJobState): Promise<void> {
    this.closed = true
    if (this.socket && this.socketClosed) {
      // the process is gone, so its connection closes too; what it sent is read first
      const drained = await Promise.race([this.socketClosed.then(() => true), delay(DRAIN_MS).then(() => false)])
      if (!drained) this.socket.destroy()
    }
    this.readOutput()
    for (const tail of this.tails) tail.end()
    if (state.state === 'COMPLETED' || (state.state === 'FAILED' && !state.exitSignal)) this.end(state.exitCode ?? null, null)
    else this.end(null, `Slurm (job ${state.jobId} ${state.state}${state.exitSignal ? `, signal ${state.exitSignal}` : ''})`)
  }

  private readOutput(): void {
    for (const tail of this.tails) tail.read()
  }

  private emit(message: FromTrainer): void {
    for (const listener of this.messageListeners) listener(message)
  }

  /** A line of the launcher's own, in the run's log as the trainer's stderr. */
  private output(line: string): void {
    for (const listener of this.outputListeners) listener(line, 'stderr')
  }

  private end(code: number | null, signal: string | null): void {
    if (this.exited) return
    this.exited = true
    this.closed = true
    this.watch?.stop()
    this.settings.forget(this.key)
    if (this.connectFile) removeIfOurs(this.connectFile, this.token)
    for (const listener of this.exitListeners) listener(code, signal)
  }
}

/** The run's connect file, unless a later launch for the run (a resume) has rewritten it since. */
function removeIfOurs(file: string, token: string): void {
  try {
    if (readConnectFile(file).token === token) fs.rmSync(file, { force: true })
  } catch {
    // gone already, or not a connect file any more: nothing of ours to remove
  }
}

/** Reads what a job has added to its output file since the last look, line by line. */
class FileTail {
  private offset = 0
  /** a character split between two reads waits for its other bytes */
  private readonly decoder = new StringDecoder('utf8')
  private readonly lines: ReturnType<typeof lineSplitter>

  constructor(
    private readonly file: string,
    stream: 'stdout' | 'stderr',
    listeners: OutputListener[]
  ) {
    this.lines = lineSplitter((line) => listeners.forEach((listener) => listener(line, stream)))
  }

  read(): void {
    let fd: number
    try {
      fd = fs.openSync(this.file, 'r')
    } catch {
      return // not there yet (pending), or on a node whose output is not shared
    }
    try {
      const buffer = Buffer.alloc(64 * 1024)
      for (;;) {
        const n = fs.readSync(fd, buffer, 0, buffer.length, this.offset)
        if (n <= 0) break
        this.offset += n
        this.lines.push(this.decoder.write(buffer.subarray(0, n)))
      }
    } finally {
      fs.closeSync(fd)
    }
  }

  end(): void {
    this.read()
    this.lines.end()
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}
