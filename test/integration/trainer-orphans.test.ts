// A trainer whose parent is killed (kill -9 of a worker, serve or the app)
// must not train on as an orphan: nobody records what it does, it writes
// checkpoints past the keep limit, and the next service would start a second
// trainer on the same run. Its watchdog thread ends it within a few seconds,
// also while its main thread is stuck in a long synchronous stretch, under
// child_process.fork and under Electron's utilityProcess (faked: a parentPort
// that, like Electron's, says nothing when the parent dies). The same holds
// one level up: the desktop app's service host (a utility process of main)
// ends with main, and its trainers with it.
import { spawn } from 'node:child_process'
import readline from 'node:readline'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/main/store/index.ts'
import { parentChannel, PARENT_PID_ENV, type TrainerProcessLike } from '../../src/main/trainer/parent-channel.ts'
import { checkpointDir } from '../../src/main/service/context.ts'
import { slowConfig, tempHome } from './service-helpers.ts'
import { childPids, endAfterTest, isRunning, newestCheckpointOnDisk, REPO, startCli, until } from './process-helpers.ts'

const PARENTS = path.join(REPO, 'test/integration/trainer-parents')
/** the watchdog looks every second; room for a loaded machine */
const GONE_WITHIN_MS = 5000
const TIMEOUT = 180_000

/** Starts a stand-in parent script; resolves once it (or its child) prints a JSON line with `key`, with every JSON line so far. */
async function startParent(script: string, args: string[], key: string): Promise<{ parentPid: number; value: number; seen: Record<string, number> }> {
  const parent = spawn(process.execPath, [path.join(PARENTS, script), ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] })
  endAfterTest(parent.pid!)
  const lines = readline.createInterface({ input: parent.stdout! })
  const seen: Record<string, number> = {}
  const value = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} printed no ${key} in time`)), 150_000)
    lines.on('line', (line) => {
      const parsed = JSON.parse(line) as Record<string, number>
      Object.assign(seen, parsed)
      for (const [name, pid] of Object.entries(parsed)) if (name.endsWith('Pid')) endAfterTest(pid)
      if (parsed[key] !== undefined) {
        clearTimeout(timer)
        resolve(parsed[key])
      }
    })
    parent.once('exit', () => reject(new Error(`${script} exited early`)))
  })
  return { parentPid: parent.pid!, value, seen }
}

function startMessage(home: string) {
  const config = slowConfig({ steps: 400 })
  return { type: 'start', runId: 1, config, homeDir: home, checkpointDir: checkpointDir(home, 1), resumeCandidates: [], heartbeatMs: 500 }
}

async function expectGoneSoon(pid: number): Promise<void> {
  const killedAt = Date.now()
  await until(() => !isRunning(pid), GONE_WITHIN_MS, `trainer ${pid} to exit after its parent was killed`)
  expect(Date.now() - killedAt).toBeLessThan(GONE_WITHIN_MS)
}

describe('a trainer whose parent is killed exits within a few seconds', () => {
  for (const mode of ['fork', 'port'] as const) {
    it(
      `${mode === 'fork' ? 'a plain Node parent (child_process.fork)' : "Electron's utilityProcess (fake parentPort)"}: SIGKILL of the parent mid-training`,
      { timeout: TIMEOUT },
      async () => {
        const home = tempHome()
        const { parentPid, value: trainerPid } = await startParent('parent.mjs', [mode, JSON.stringify(startMessage(home))], 'trainerPid')
        endAfterTest(trainerPid)
        expect(isRunning(trainerPid)).toBe(true)
        process.kill(parentPid, 'SIGKILL')
        await expectGoneSoon(trainerPid)
      }
    )
  }

  it('`fixmatch-lab worker` killed with SIGKILL: its trainer does not live on', { timeout: TIMEOUT }, async () => {
    const home = tempHome()
    const store = openStore(home)
    const run = store.queue.enqueue({ config: slowConfig({ steps: 400 }) })
    store.close()
    const worker = startCli(['worker', '--home', home, '--quiet'])
    await until(() => newestCheckpointOnDisk(checkpointDir(home, run.id)) >= 2, 150_000, 'training to reach step 2')
    const [trainerPid] = childPids(worker.child.pid!)
    expect(trainerPid).toBeDefined()
    endAfterTest(trainerPid)
    // the worker alone, as `kill -9 <worker pid>` does: not its process group
    process.kill(worker.child.pid!, 'SIGKILL')
    await expectGoneSoon(trainerPid)
  })

  it("the desktop app's main process killed: its service host, and so the host's trainer, do not live on", { timeout: TIMEOUT }, async () => {
    const home = tempHome()
    const store = openStore(home)
    store.queue.enqueue({ config: slowConfig({ steps: 400 }) })
    store.close()
    // the host opens the store and starts the queued run's trainer as its own child
    const { parentPid, value: hostPid } = await startParent('host-parent.mjs', [home], 'hostPid')
    const trainerPid = await until(() => childPids(hostPid)[0], 60_000, 'the service host to start a trainer')
    endAfterTest(trainerPid)
    // main alone, as `kill -9 <main pid>` does; Electron says nothing to a utility process then
    process.kill(parentPid, 'SIGKILL')
    await expectGoneSoon(hostPid)
    await expectGoneSoon(trainerPid)
  })

  it('the watchdog ends the process while its main thread is stuck in synchronous work', { timeout: TIMEOUT }, async () => {
    const { parentPid, seen } = await startParent('stuck-parent.mjs', [], 'ready')
    const childPid = seen.childPid
    endAfterTest(childPid)
    // stuck for a while with its parent alive: the watchdog leaves it alone
    await new Promise((resolve) => setTimeout(resolve, 3000))
    expect(isRunning(childPid)).toBe(true)
    process.kill(parentPid, 'SIGKILL')
    await expectGoneSoon(childPid)
  })
})

describe("the trainer's channel to its parent", () => {
  it("under Electron: messages through parentPort both ways, the parent's pid from the launcher", async () => {
    const posted: unknown[] = []
    let deliver!: (event: { data: unknown }) => void
    const fake: TrainerProcessLike = {
      parentPort: { on: (_event, listener) => void (deliver = listener), postMessage: (message) => void posted.push(message) },
      env: { [PARENT_PID_ENV]: '4321' },
      ppid: 1,
      on: () => expect.unreachable('no IPC channel under Electron')
    }
    const channel = parentChannel(fake)
    expect(channel.parentPid).toBe(4321)
    const received: unknown[] = []
    channel.onMessage((message) => received.push(message))
    deliver({ data: { type: 'pause' } })
    expect(received).toEqual([{ type: 'pause' }])
    await channel.send({ type: 'heartbeat', step: 1, trainSeconds: 0 })
    expect(posted).toEqual([{ type: 'heartbeat', step: 1, trainSeconds: 0 }])
  })

  it('refuses a parent pid that is not a process id, naming the variable', () => {
    const fake: TrainerProcessLike = { parentPort: { on: () => {}, postMessage: () => {} }, env: { [PARENT_PID_ENV]: 'abc' }, ppid: 1, on: () => {} }
    expect(() => parentChannel(fake)).toThrow(`${PARENT_PID_ENV} must be the lab service's process id, got "abc"`)
  })
})
