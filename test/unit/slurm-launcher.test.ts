// The slurm launcher's handle with a fake Slurm (its jobs are scripted) and a
// stand-in trainer that connects as the job would: the socket, the token, the
// order of messages, when the handle exits, and what a pause, stop or kill
// before the trainer connects does. The real Slurm and the real trainer are in
// test/integration/slurm-launcher.test.ts.
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/shared/config.ts'
import type { SlurmJobState, SubmitRequest } from '../../src/main/service/slurm/client.ts'
import { slurmTrainerLauncher, type SlurmJobs, type SlurmTrainerLauncher } from '../../src/main/service/slurm/launcher.ts'
import { connectFileSchema, CONNECT_FILE_ENV, readJsonLines, writeConnectFile, writeJsonLine } from '../../src/main/trainer/socket-link.ts'
import { parentChannel, type TrainerProcessLike } from '../../src/main/trainer/parent-channel.ts'
import { RECONNECT_GRACE_ENV } from '../../src/main/trainer/service-link.ts'
import { LabService } from '../../src/main/service/index.ts'
import type { StartMessage } from '../../src/main/trainer/protocol.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function tempHome(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixmatch-slurm-launcher-'))
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Jobs that run when the test says so: submit records the request, state reports what the test set. */
class FakeSlurm implements SlurmJobs {
  readonly submitted: SubmitRequest[] = []
  readonly cancelled: string[] = []
  refuse: string | undefined
  private states = new Map<string, SlurmJobState>()

  async submit(request: SubmitRequest): Promise<string> {
    if (this.refuse) throw new Error(this.refuse)
    this.submitted.push(request)
    const jobId = String(this.submitted.length)
    this.set(jobId, 'PENDING')
    return jobId
  }
  async state(jobId: string): Promise<SlurmJobState> {
    return this.states.get(jobId)!
  }
  async queued(jobIds: string[]): Promise<SlurmJobState[]> {
    return jobIds.map((id) => this.states.get(id)).filter((job): job is SlurmJobState => job !== undefined && !job.ended)
  }
  async cancel(jobId: string): Promise<void> {
    this.cancelled.push(jobId)
    this.set(jobId, 'CANCELLED', { exitCode: 0, exitSignal: 15 })
  }
  set(jobId: string, state: string, exit: { exitCode?: number; exitSignal?: number } = {}): void {
    const ended = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT'].includes(state)
    this.states.set(jobId, { jobId, state, nodes: state === 'PENDING' ? '' : 'node-1', reason: 'None', ended, ...exit })
  }
  /** the connect file the job script points at */
  connectInfo(index = 0) {
    const script = this.submitted[index]!.script
    const file = script.match(new RegExp(`${CONNECT_FILE_ENV}='([^']+)'`))![1]!
    return { file, ...connectFileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8'))) }
  }
}

function launcherWith(slurm: FakeSlurm): SlurmTrainerLauncher {
  const launcher = slurmTrainerLauncher({
    listenHost: '127.0.0.1',
    connectHost: '127.0.0.1',
    client: slurm,
    poll: { minMs: 10, maxMs: 50, factor: 2 },
    trainerCommand: ['node', 'trainer.js']
  })
  cleanups.push(() => launcher.close())
  return launcher
}

function startMessage(homeDir: string, runId = 5): StartMessage {
  return {
    type: 'start',
    runId,
    config: resolveConfig({}),
    homeDir,
    checkpointDir: path.join(homeDir, 'checkpoints', String(runId)),
    resumeCandidates: [],
    heartbeatMs: 500
  }
}

/** A stand-in trainer: connects, says hello, and collects what the service sends. */
async function connectTrainer(
  port: number,
  token: string,
  hello: { jobId: string; next?: number } = { jobId: '1' }
): Promise<{ socket: net.Socket; received: unknown[]; closed: Promise<void> }> {
  const socket = net.connect({ host: '127.0.0.1', port })
  socket.on('error', () => {})
  const received: unknown[] = []
  readJsonLines(socket, (message) => received.push(message))
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  await writeJsonLine(socket, { hello: token, ...hello })
  return { socket, received, closed }
}

function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const poll = () => (check() ? resolve() : Date.now() - started > timeoutMs ? reject(new Error(`timed out waiting for ${what}`)) : setTimeout(poll, 5))
    poll()
  })
}

describe('the slurm launcher, with a fake Slurm', () => {
  it('submits on the start message, hands it to the trainer that connects with the token, and exits after the job ends and the socket closes', async () => {
    const slurm = new FakeSlurm()
    const home = tempHome()
    const handle = launcherWith(slurm).launch()
    const messages: unknown[] = []
    const exits: [number | null, string | null][] = []
    const states: string[] = []
    handle.onMessage((m) => messages.push(m))
    handle.onExit((code, signal) => exits.push([code, signal]))
    handle.onJobState((s) => states.push(s.state))
    handle.send(startMessage(home))
    await until(() => handle.jobId === '1', 'the job id')
    const request = slurm.submitted[0]!
    expect(request.jobName).toBe('fixmatch-lab-run-5')
    expect(request.script).toContain("exec 'node' 'trainer.js'")
    const info = slurm.connectInfo()
    expect(path.dirname(info.file)).toBe(path.join(home, 'slurm', 'run-5'))
    expect(fs.statSync(info.file).mode & 0o777).toBe(0o600)

    // a wrong token is dropped without a word; the right one gets the start message
    const stranger = await connectTrainer(info.port, 'f'.repeat(64))
    await stranger.closed
    expect(stranger.received).toEqual([])
    slurm.set('1', 'RUNNING')
    const trainer = await connectTrainer(info.port, info.token)
    await until(() => trainer.received.length === 1, 'the start message')
    expect(trainer.received[0]).toMatchObject({ type: 'start', runId: 5 })
    // a second connection with the same token is refused: one trainer per launch
    const copy = await connectTrainer(info.port, info.token)
    await copy.closed

    handle.send({ type: 'pause' })
    await until(() => trainer.received.length === 2, 'the pause')
    expect(trainer.received[1]).toEqual({ type: 'pause' })
    await writeJsonLine(trainer.socket, { type: 'heartbeat', step: 3, trainSeconds: 1 })
    await writeJsonLine(trainer.socket, { type: 'paused', step: 3, trainSeconds: 1 })
    // the job ends before the connection has delivered everything: the exit waits for the close
    slurm.set('1', 'COMPLETED', { exitCode: 0, exitSignal: 0 })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(exits).toEqual([])
    trainer.socket.end()
    await until(() => exits.length === 1, 'the exit')
    expect(messages).toEqual([
      { type: 'heartbeat', step: 3, trainSeconds: 1 },
      { type: 'paused', step: 3, trainSeconds: 1 }
    ])
    expect(exits).toEqual([[0, null]])
    expect(states).toEqual(['PENDING', 'RUNNING', 'COMPLETED'])
    expect(fs.existsSync(info.file)).toBe(false)
  })

  it('a job ended by Slurm exits the handle with the state as the signal', async () => {
    const slurm = new FakeSlurm()
    const handle = launcherWith(slurm).launch()
    const exits: [number | null, string | null][] = []
    handle.onExit((code, signal) => exits.push([code, signal]))
    handle.send(startMessage(tempHome()))
    await until(() => handle.jobId !== undefined, 'the job id')
    slurm.set('1', 'TIMEOUT', { exitCode: 0, exitSignal: 0 })
    await until(() => exits.length === 1, 'the exit')
    expect(exits).toEqual([[null, 'Slurm (job 1 TIMEOUT)']])
  })

  it("sbatch refusing the job: a failed message with sbatch's words, then the exit", async () => {
    const slurm = new FakeSlurm()
    slurm.refuse = 'sbatch refused the job: invalid partition specified: nope'
    const handle = launcherWith(slurm).launch()
    const events: unknown[] = []
    handle.onMessage((m) => events.push(m))
    handle.onExit((code, signal) => events.push({ exit: [code, signal] }))
    handle.send(startMessage(tempHome()))
    await until(() => events.length === 2, 'the failure')
    expect(events).toEqual([
      { type: 'failed', message: 'sbatch refused the job: invalid partition specified: nope', diskFull: false, resumable: false },
      { exit: [null, null] }
    ])
  })

  it('a pause before the trainer connected cancels the pending job and reports paused; a stop cancels it', async () => {
    for (const asked of ['pause', 'stop'] as const) {
      const slurm = new FakeSlurm()
      const handle = launcherWith(slurm).launch()
      const events: unknown[] = []
      handle.onMessage((m) => events.push(m))
      handle.onExit((code, signal) => events.push({ exit: [code, signal] }))
      handle.send(startMessage(tempHome()))
      await until(() => handle.jobId !== undefined, 'the job id')
      const info = slurm.connectInfo()
      handle.send({ type: asked })
      await until(() => events.some((e) => 'exit' in (e as object)), 'the exit')
      expect(slurm.cancelled).toEqual(['1'])
      expect(events).toEqual([...(asked === 'pause' ? [{ type: 'paused' }] : []), { exit: [null, 'Slurm (job 1 CANCELLED, signal 15)'] }])
      // and its trainer, should it start after all, is turned away
      const late = await connectTrainer(info.port, info.token)
      await late.closed
      expect(late.received).toEqual([])
    }
  })

  it('attached to a job an earlier service left: submits nothing, rewrites the connect file, skips what it had, acknowledges, and detaches without an exit', async () => {
    const slurm = new FakeSlurm()
    const home = tempHome()
    slurm.set('41', 'RUNNING')
    const handle = launcherWith(slurm).launch({ runId: 5, config: resolveConfig({}), jobId: '41' })
    const messages: unknown[] = []
    const exits: unknown[] = []
    const states: string[] = []
    handle.onMessage((m) => messages.push(m))
    handle.onExit((code, signal) => exits.push([code, signal]))
    handle.onJobState((s) => states.push(s.state))
    handle.send(startMessage(home))
    await until(() => states.length === 1, 'the job state')
    expect(slurm.submitted).toEqual([])
    expect(handle.jobId).toBe('41')
    const file = path.join(home, 'slurm', 'run-5', 'connect.json')
    const info = connectFileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')))
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)

    // another job's trainer with the right token is turned away: the file is the run's, the job is 41
    const other = net.connect({ host: '127.0.0.1', port: info.port })
    other.on('error', () => {})
    const otherClosed = new Promise<void>((resolve) => other.once('close', () => resolve()))
    await writeJsonLine(other, { hello: info.token, jobId: '40', next: 1 })
    await otherClosed

    // the job's trainer: its messages 7 and 8 were not acknowledged by the last service, 9 is new
    const trainer = await connectTrainer(info.port, info.token, { jobId: '41', next: 7 })
    for (const step of [7, 8, 9]) await writeJsonLine(trainer.socket, { type: 'heartbeat', step, trainSeconds: step })
    await until(() => messages.length === 3, 'the three heartbeats')
    // the start message reaches it too (a trainer that already trains ignores it)
    await until(() => trainer.received.length === 1, 'the start message')
    handle.acknowledge()
    await until(() => trainer.received.length === 2, 'the acknowledgement')
    expect(trainer.received[1]).toEqual({ ack: 9 })

    // it reconnects after a blip, sending 9 again: delivered once
    trainer.socket.destroy()
    const again = await connectTrainer(info.port, info.token, { jobId: '41', next: 9 })
    await writeJsonLine(again.socket, { type: 'heartbeat', step: 9, trainSeconds: 9 })
    await writeJsonLine(again.socket, { type: 'heartbeat', step: 10, trainSeconds: 10 })
    await until(() => messages.length === 4, 'the new heartbeat')
    expect(messages.map((m) => (m as { step: number }).step)).toEqual([7, 8, 9, 10])

    handle.detach()
    await again.closed
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(exits).toEqual([])
    expect(slurm.cancelled).toEqual([])
    // the next service finds the connect file where the job looks
    expect(fs.existsSync(file)).toBe(true)
  })

  it("a resume's new job rewrites the run's connect file; the old handle ending later leaves it", async () => {
    const slurm = new FakeSlurm()
    const home = tempHome()
    const launcher = launcherWith(slurm)
    const old = launcher.launch()
    const exits: unknown[] = []
    old.onExit((code, signal) => exits.push([code, signal]))
    old.send(startMessage(home))
    await until(() => old.jobId === '1', 'the first job')
    const resumed = launcher.launch()
    resumed.send(startMessage(home))
    await until(() => resumed.jobId === '2', 'the second job')
    const second = slurm.connectInfo(1)
    expect(second.file).toBe(slurm.connectInfo(0).file)
    slurm.set('1', 'COMPLETED', { exitCode: 0, exitSignal: 0 })
    await until(() => exits.length === 1, 'the old handle to exit')
    expect(connectFileSchema.parse(JSON.parse(fs.readFileSync(second.file, 'utf8'))).token).toBe(second.token)
  })

  it('kill before any start message: nothing was submitted, the handle exits at once', () => {
    const slurm = new FakeSlurm()
    const handle = launcherWith(slurm).launch()
    const exits: unknown[] = []
    handle.onExit((code, signal) => exits.push([code, signal]))
    handle.kill()
    expect(exits).toEqual([[null, 'SIGKILL']])
    expect(slurm.submitted).toEqual([])
  })
})

describe("the trainer's end of the socket", () => {
  it('says hello with the token and the job id, then carries messages both ways; a service not back within the grace period is the parent gone', async () => {
    const dir = tempHome()
    const lines: unknown[] = []
    let serverSide!: net.Socket
    const server = net.createServer((socket) => {
      serverSide = socket
      readJsonLines(socket, (message) => lines.push(message))
    })
    cleanups.push(() => new Promise((resolve) => server.close(resolve)))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    const token = 'a'.repeat(64)
    const file = path.join(dir, 'connect.json')
    fs.writeFileSync(file, JSON.stringify({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, token }))
    const signals = new Map<string, () => void>()
    const proc: TrainerProcessLike = {
      env: { [CONNECT_FILE_ENV]: file, SLURM_JOB_ID: '77', [RECONNECT_GRACE_ENV]: '0' },
      ppid: 1,
      on: (event, listener) => void signals.set(event, listener as () => void)
    }
    const channel = parentChannel(proc)
    expect(channel.parentPid).toBeUndefined()
    const received: unknown[] = []
    channel.onMessage((m) => received.push(m))
    let gone = false
    channel.onGone(() => (gone = true))
    const endWhy: string[] = []
    channel.onEndRequested((why) => endWhy.push(why))
    await channel.send({ type: 'heartbeat', step: 1, trainSeconds: 0 })
    await until(() => lines.length === 2, 'hello and the heartbeat')
    expect(lines).toEqual([
      { hello: token, jobId: '77' },
      { type: 'heartbeat', step: 1, trainSeconds: 0 }
    ])
    await writeJsonLine(serverSide, { type: 'stop' })
    await until(() => received.length === 1, 'the stop')
    expect(received).toEqual([{ type: 'stop' }])
    signals.get('SIGTERM')!()
    signals.get('SIGUSR1')!()
    expect(endWhy).toEqual(['SIGTERM from Slurm (the job is cancelled or pre-empted)', 'SIGUSR1 from Slurm (the time limit is near)'])
    // the service goes and nothing listens any more: after the grace period (here none) the trainer gives up
    expect(gone).toBe(false)
    server.close()
    serverSide.end()
    await until(() => gone, 'the parent gone', 10_000)
  })

  it('its own end() is no loss of the parent, and waits until the service has recorded what it sent, then for the close', async () => {
    const dir = tempHome()
    let lines = 0
    let serverSide!: net.Socket
    const server = net.createServer((socket) => {
      serverSide = socket
      readJsonLines(socket, () => lines++)
    })
    cleanups.push(() => new Promise((resolve) => server.close(resolve)))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    const file = path.join(dir, 'connect.json')
    fs.writeFileSync(file, JSON.stringify({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, token: 'b'.repeat(64) }))
    const channel = parentChannel({ env: { [CONNECT_FILE_ENV]: file }, ppid: 1, on: () => {} })
    let gone = false
    channel.onGone(() => (gone = true))
    await channel.send({ type: 'heartbeat', step: 1, trainSeconds: 0 })
    let ended = false
    const ending = channel.end().then(() => (ended = true))
    await until(() => lines === 2, 'hello and the heartbeat')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(ended).toBe(false)
    await writeJsonLine(serverSide, { ack: 1 })
    await ending
    expect(gone).toBe(false)
  })

  it('a lost service: the trainer holds its messages, reconnects where the rewritten connect file says, and sends again what was not acknowledged', async () => {
    const dir = tempHome()
    const file = path.join(dir, 'connect.json')
    /** one stand-in service: what it read on each connection */
    async function service(token: string) {
      const connections: unknown[][] = []
      const sockets: net.Socket[] = []
      const server = net.createServer((socket) => {
        const lines: unknown[] = []
        connections.push(lines)
        sockets.push(socket)
        readJsonLines(socket, (message) => lines.push(message))
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
      cleanups.push(() => new Promise((resolve) => server.close(resolve)))
      writeConnectFile(file, { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, token })
      return { server, connections, sockets }
    }
    const first = await service('c'.repeat(64))
    const channel = parentChannel({ env: { [CONNECT_FILE_ENV]: file, SLURM_JOB_ID: '9' }, ppid: 1, on: () => {} })
    let gone = false
    channel.onGone(() => (gone = true))
    const heartbeat = (step: number) => ({ type: 'heartbeat', step, trainSeconds: step })
    await channel.send(heartbeat(1))
    await channel.send(heartbeat(2))
    await until(() => first.connections[0]?.length === 3, 'hello and two heartbeats')
    // the first service recorded the first heartbeat, then stops
    await writeJsonLine(first.sockets[0]!, { ack: 1 })
    await new Promise((resolve) => setTimeout(resolve, 50))
    first.server.close()
    first.sockets[0]!.destroy()
    await new Promise((resolve) => setTimeout(resolve, 100))
    // training goes on meanwhile: its messages wait
    await channel.send(heartbeat(3))
    const second = await service('d'.repeat(64))
    await until(() => second.connections[0]?.length === 3, 'the hello and the held messages', 10_000)
    expect(second.connections[0]).toEqual([{ hello: 'd'.repeat(64), jobId: '9', next: 2 }, heartbeat(2), heartbeat(3)])
    await channel.send(heartbeat(4))
    await until(() => second.connections[0]!.length === 4, 'a new message')
    expect(second.connections[0]![3]).toEqual(heartbeat(4))
    expect(gone).toBe(false)
    // the end waits for the new service to record everything
    let ended = false
    const ending = channel.end().then(() => (ended = true))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(ended).toBe(false)
    await writeJsonLine(second.sockets[0]!, { ack: 4 })
    await ending
    expect(gone).toBe(false)
  })

  it('a connect file that is missing or wrong: the error names the variable and the file', () => {
    const dir = tempHome()
    const file = path.join(dir, 'connect.json')
    expect(() => parentChannel({ env: { [CONNECT_FILE_ENV]: file }, ppid: 1, on: () => {} })).toThrow(
      `${CONNECT_FILE_ENV}: cannot read the service's connect file ${file}`
    )
    fs.writeFileSync(file, JSON.stringify({ host: 'h', port: 1, token: 'short' }))
    expect(() => parentChannel({ env: { [CONNECT_FILE_ENV]: file }, ppid: 1, on: () => {} })).toThrow(
      `${CONNECT_FILE_ENV}: ${file} is not a connect file (token:`
    )
  })
})

describe("the service's recovery of slurm runs, with a fake Slurm", () => {
  it('re-attaches to a live job of a running run, leaves a run whose job ended interrupted, and scancels a job no run owns', async () => {
    const home = tempHome()
    const slurm = new FakeSlurm()
    const open = () =>
      LabService.open({ homeDir: home, executor: 'slurm', slurmLauncher: launcherWith(slurm), slurmCommands: { available: true, missing: [] } })
    const first = open()
    const ids: number[] = []
    for (let i = 0; i < 4; i++) ids.push((await first.handlers['queue/add']({ config: { seed: i + 1 } })).id)
    // as a service that died left them: two running with their jobs, one cancelled and one finished with theirs
    const left = [
      { runId: ids[0]!, jobId: '11', status: 'running', job: 'RUNNING' },
      { runId: ids[1]!, jobId: '12', status: 'running', job: 'COMPLETED' },
      { runId: ids[2]!, jobId: '13', status: 'cancelled', job: 'RUNNING' },
      { runId: ids[3]!, jobId: '14', status: 'finished', job: 'COMPLETED' }
    ] as const
    for (const { runId, jobId, status, job } of left) {
      first.store.queue.setStatus(runId, 'running')
      first.store.runs.setSlurmJobId(runId, jobId)
      if (status !== 'running') first.store.queue.setStatus(runId, status)
      slurm.set(jobId, job)
    }
    // never started: a short-lived look at the store (as the CLI's) leaves the running runs alone
    await first.close({ pauseRunning: false })
    expect(slurm.cancelled).toEqual([])

    const second = open()
    cleanups.push(() => second.close())
    expect(second.store.runs.require(ids[0]!).status).toBe('running')
    second.start()
    const said = (runId: number) => second.store.events.list({ runId }).map((e) => e.message)
    await until(() => said(ids[0]!).some((m) => m.startsWith('re-attached to Slurm job 11 (RUNNING on node-1)')), 're-attaching')
    await until(() => slurm.cancelled.length === 1 && said(ids[2]!).some((m) => m.includes('scancelled')), 'the orphan scancelled')
    expect(slurm.cancelled).toEqual(['13'])
    expect(said(ids[2]!)).toContain('its Slurm job 13 still ran while the run is cancelled: scancelled it')
    expect(second.store.runs.require(ids[1]!)).toMatchObject({ status: 'interrupted', error: 'its Slurm job 12 ended while no service followed it' })
    expect(second.store.runs.require(ids[3]!).status).toBe('finished')
    // nothing submitted: the live job is followed, the connect file its trainer re-reads now names this service
    expect(slurm.submitted).toEqual([])
    expect(second.store.runs.require(ids[0]!)).toMatchObject({ status: 'running', slurmJobId: '11' })
    const file = path.join(home, 'slurm', `run-${ids[0]}`, 'connect.json')
    await until(() => fs.existsSync(file), 'the connect file')

    // stopping this service too leaves the job running for the next one
    await second.close()
    expect(slurm.cancelled).toEqual(['13'])
    const third = LabService.open({ homeDir: home })
    expect(third.store.runs.require(ids[0]!).status).toBe('running')
    await third.close()
  })
})

describe('a foreground run or compare on a home with a slurm job left running', () => {
  it('trains only its own runs: it neither attaches to the job nor waits for it', async () => {
    const home = tempHome()
    const slurm = new FakeSlurm()
    const service = LabService.open({ homeDir: home, executor: 'slurm', slurmLauncher: launcherWith(slurm), slurmCommands: { available: true, missing: [] } })
    cleanups.push(() => service.close())
    const left = (await service.handlers['queue/add']({ config: { seed: 1 } })).id
    service.store.queue.setStatus(left, 'running')
    service.store.runs.setSlurmJobId(left, '21')
    slurm.set('21', 'RUNNING')
    await service.close()
    const foreground = LabService.open({
      homeDir: home,
      executor: 'slurm',
      slurmLauncher: launcherWith(slurm),
      slurmCommands: { available: true, missing: [] }
    })
    cleanups.push(() => foreground.close())
    foreground.start({ only: [] })
    await foreground.whenIdle()
    expect(foreground.runningRunIds).toEqual([])
    expect(foreground.store.events.list({ runId: left }).some((e) => e.message.startsWith('re-attached'))).toBe(false)
    expect(foreground.store.runs.require(left).status).toBe('running')
  })
})
