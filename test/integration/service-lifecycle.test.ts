// Pause, cancel and Ctrl-C land within a step or two, with the presets' own
// augmentWorkers: 1 (with it, a trainer once never read its parent's messages
// while training: every pause, cancel and Ctrl-C was acknowledged, then
// ignored until the run ended). Through the service, through `queue pause` to a
// running worker, and by signals to `worker`, `serve` and `run` processes.
//
// "Within a step": each test notes the newest step the trainer had reported
// (or checkpointed to disk) when it asked, and the run must stop at most two
// steps later, a step being about half a second here (slowConfig).
import { describe, expect, it, vi } from 'vitest'
import { main } from '../../src/cli/main.ts'
import { openStore } from '../../src/main/store/index.ts'
import { checkpointDir } from '../../src/main/service/context.ts'
import type { FromTrainer } from '../../src/main/trainer/protocol.ts'
import { openService, slowConfig, tappedLauncher, tempHome, waitForStatus } from './service-helpers.ts'
import { newestCheckpointOnDisk, startCli, until, within } from './process-helpers.ts'

/** Tracks the newest step a trainer reported, from the service's side. */
function reportedSteps() {
  let newest = 0
  return {
    see(message: FromTrainer) {
      if ('step' in message && typeof message.step === 'number') newest = Math.max(newest, message.step)
    },
    get newest() {
      return newest
    }
  }
}

describe('pause and cancel through the service, augmentWorkers 1', () => {
  it('a pause asked mid-run lands within two steps, with a checkpoint at the step it stopped', async () => {
    const reported = reportedSteps()
    let askedAt: number | undefined
    let runId = 0
    const service = openService({
      homeDir: tempHome(),
      launcher: tappedLauncher((message) => {
        reported.see(message)
        if (message.type === 'checkpoint' && message.step === 4 && askedAt === undefined) {
          askedAt = reported.newest
          void service.handlers['queue/pause']({ runId })
        }
      })
    })
    const config = slowConfig()
    expect(config.augmentWorkers).toBe(1)
    runId = (await service.handlers['queue/add']({ config })).id
    service.start()
    await waitForStatus(service, runId, ['paused', 'finished', 'failed'], 180_000)
    const run = service.store.runs.require(runId)
    expect(run.status).toBe('paused')
    expect(run.step).toBeGreaterThanOrEqual(askedAt!)
    expect(run.step).toBeLessThanOrEqual(askedAt! + 2)
    expect(service.store.checkpoints.list(runId)[0].step).toBe(run.step)
  })

  it('a cancel lands within two steps through the trainer (its own "stopped"), not the kill fallback', async () => {
    const reported = reportedSteps()
    let askedAt: number | undefined
    let askedTime = 0
    const lastWords: string[] = []
    let runId = 0
    const service = openService({
      homeDir: tempHome(),
      launcher: tappedLauncher((message) => {
        reported.see(message)
        if (['stopped', 'finished', 'paused', 'failed'].includes(message.type)) lastWords.push(message.type)
        if (message.type === 'checkpoint' && message.step === 4 && askedAt === undefined) {
          askedAt = reported.newest
          askedTime = Date.now()
          void service.handlers['queue/cancel']({ runId })
        }
      })
    })
    runId = (await service.handlers['queue/add']({ config: slowConfig() })).id
    service.start()
    await waitForStatus(service, runId, ['cancelled', 'finished', 'failed'], 180_000)
    const tookMs = Date.now() - askedTime
    const run = service.store.runs.require(runId)
    expect(run.status).toBe('cancelled')
    expect(lastWords).toEqual(['stopped'])
    expect(run.step).toBeLessThanOrEqual(askedAt! + 2)
    // the kill fallback would have taken 15 s
    expect(tookMs).toBeLessThan(10_000)
  })
})

describe('signals and commands to CLI processes, augmentWorkers 1', () => {
  const TIMEOUT = 240_000

  /** A home with one queued slow run checkpointing every step (so the newest file on disk is the trainer's step). */
  function homeWithRun(): { home: string; runId: number; dir: string } {
    const home = tempHome()
    const store = openStore(home)
    const run = store.queue.enqueue({ config: slowConfig({ checkpointEvery: 1 }) })
    store.close()
    return { home, runId: run.id, dir: checkpointDir(home, run.id) }
  }

  function stoppedRun(home: string, runId: number) {
    const store = openStore(home, { readonly: true })
    try {
      return { run: store.runs.require(runId), newest: store.checkpoints.list(runId)[0] }
    } finally {
      store.close()
    }
  }

  for (const [mode, args, expectedCode] of [
    ['worker', ['worker'], 130],
    ['serve', ['serve', '--port', '0'], 0]
  ] as const) {
    it(`Ctrl-C on \`${mode}\` pauses the running run within two steps with a checkpoint, first in line again`, { timeout: TIMEOUT }, async () => {
      const { home, runId, dir } = homeWithRun()
      const cli = startCli([...args, '--home', home, '--quiet'])
      const seen = await until(() => newestCheckpointOnDisk(dir) >= 3 && newestCheckpointOnDisk(dir), 150_000, 'training to reach step 3')
      cli.ctrlC()
      const exit = await within(cli.exited, 60_000, `${mode} to exit after Ctrl-C`)
      expect(exit.code, cli.stderr()).toBe(expectedCode)
      expect(cli.stderr()).toMatch(new RegExp(`pausing run ${runId} with a checkpoint`))
      const { run, newest } = stoppedRun(home, runId)
      expect(run.status).toBe('queued')
      expect(run.step).toBeGreaterThanOrEqual(seen)
      expect(run.step).toBeLessThanOrEqual(seen + 2)
      expect(newest.step).toBe(run.step)
    })
  }

  it('SIGTERM on a worker pauses promptly with a checkpoint (no 120 s wait, no kill)', { timeout: TIMEOUT }, async () => {
    const { home, runId, dir } = homeWithRun()
    const cli = startCli(['worker', '--home', home, '--quiet'])
    const seen = await until(() => newestCheckpointOnDisk(dir) >= 3 && newestCheckpointOnDisk(dir), 150_000, 'training to reach step 3')
    process.kill(cli.child.pid!, 'SIGTERM')
    const exit = await within(cli.exited, 30_000, 'the worker to exit after SIGTERM')
    expect(exit.code, cli.stderr()).toBe(130)
    expect(cli.stderr()).not.toMatch(/did not pause|was killed/)
    const { run, newest } = stoppedRun(home, runId)
    expect(run.status).toBe('queued')
    expect(run.step).toBeLessThanOrEqual(seen + 2)
    expect(newest.step).toBe(run.step)
  })

  it('`queue pause` through a running worker lands within two steps; the worker then has nothing left and exits', { timeout: TIMEOUT }, async () => {
    const { home, runId, dir } = homeWithRun()
    const cli = startCli(['worker', '--home', home, '--quiet'])
    const seen = await until(() => newestCheckpointOnDisk(dir) >= 3 && newestCheckpointOnDisk(dir), 150_000, 'training to reach step 3')
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    try {
      expect(await main(['queue', 'pause', String(runId), '--home', home])).toBe(0)
      expect(log.mock.calls.flat().join(' ')).toMatch(/pause asked/)
    } finally {
      log.mockRestore()
    }
    const exit = await within(cli.exited, 60_000, 'the worker to exit once its only run paused')
    expect(exit.code, cli.stderr()).toBe(0)
    const { run, newest } = stoppedRun(home, runId)
    expect(run.status).toBe('paused')
    expect(run.step).toBeLessThanOrEqual(seen + 2)
    expect(newest.step).toBe(run.step)
  })

  it('Ctrl-C on `fixmatch-lab run` stops it within two steps', { timeout: TIMEOUT }, async () => {
    const config = slowConfig({ steps: 200 })
    const sets = Object.entries(config).flatMap(([key, value]) => (key === 'datasetPath' ? [] : ['--set', `${key}=${value}`]))
    const cli = startCli(['run', '--home', tempHome(), ...sets])
    // off a terminal the bar prints its first line at once (step 1), then every 5 s
    const first = await until(() => /\] (\d+)\/200/.exec(cli.stderr()) ?? undefined, 150_000, 'the first progress line')
    const seen = Number(first[1])
    cli.ctrlC()
    const exit = await within(cli.exited, 30_000, '`run` to exit after Ctrl-C')
    expect(exit.code, cli.stderr()).toBe(130)
    const said = /^stopped: variant O, (\d+)\/200 steps/m.exec(cli.stdout())
    expect(said, cli.stdout()).not.toBeNull()
    expect(Number(said![1])).toBeLessThanOrEqual(seen + 2)
  })
})
