// The slurm executor's launcher against a real Slurm (the one-node one of
// scripts/slurm-dev.sh, which .ci/run brings up): a LabService whose launcher is
// slurmTrainerLauncher trains a short mnist run as a batch job, the trainer's
// messages arriving over its socket; sbatch refusing a bad partition fails the
// run with sbatch's words; a scancel by hand ends the job, the trainer
// checkpoints first, and the run is interrupted with a reason that says so.
// Skipped, with the reason printed, where Slurm is not there; in CI
// (FIXMATCH_REQUIRE_SLURM=1) a missing Slurm fails instead.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import type { FromTrainer } from '../../src/main/trainer/protocol.ts'
import { slurmRunDir, slurmTrainerLauncher, type SlurmTrainerHandle, type SlurmTrainerLauncher } from '../../src/main/service/slurm/launcher.ts'
import type { SlurmJobOptionsInput } from '../../src/shared/slurm.ts'
import { slurmMissing } from './slurm-helpers.ts'
import { checkpointState, deterministicMetrics, openService, slowConfig, tempHome, tinyConfig, waitForStatus, waitUntil } from './service-helpers.ts'

const missing = slurmMissing('the slurm launcher tests')

const TIMEOUT = 240_000
const launchers: SlurmTrainerLauncher[] = []
afterAll(async () => {
  for (const launcher of launchers) await launcher.close()
})

interface Launch {
  handle: SlurmTrainerHandle
  messages: FromTrainer[]
  states: string[]
  exit?: { code: number | null; signal: string | null }
}

/** The slurm launcher on this one node, with every handle it gives and what each reported. */
function slurmLauncher(jobOptions: SlurmJobOptionsInput = {}): { launcher: SlurmTrainerLauncher; launches: Launch[] } {
  const inner = slurmTrainerLauncher({
    listenHost: '127.0.0.1',
    connectHost: '127.0.0.1',
    jobOptions: () => jobOptions,
    // a test's job ends within seconds: look often
    poll: { minMs: 200, maxMs: 1000, factor: 1.5 }
  })
  launchers.push(inner)
  const launches: Launch[] = []
  const launcher: SlurmTrainerLauncher = {
    jobs: inner.jobs,
    close: () => inner.close(),
    launch() {
      const handle = inner.launch()
      const launch: Launch = { handle, messages: [], states: [] }
      launches.push(launch)
      handle.onMessage((message) => launch.messages.push(message as FromTrainer))
      handle.onJobState((state) => launch.states.push(state.state))
      handle.onExit((code, signal) => (launch.exit = { code, signal }))
      return handle
    }
  }
  return { launcher, launches }
}

function scontrolJob(jobId: string): string {
  return execFileSync('scontrol', ['show', 'job', '-o', jobId], { encoding: 'utf8' })
}

describe.skipIf(missing !== undefined)('the slurm launcher on a one-node Slurm', () => {
  it(
    'trains a short mnist run as a Slurm job: progress, metrics and finished arrive, and it ends as the same run trained locally',
    { timeout: TIMEOUT },
    async () => {
      const local = openService({ homeDir: tempHome() })
      const localRun = await local.handlers['queue/add']({ config: tinyConfig() })
      local.start()

      const home = tempHome()
      const { launcher, launches } = slurmLauncher()
      const service = openService({ homeDir: home, launcher })
      const queued = await service.handlers['queue/add']({ config: tinyConfig() })
      service.start()
      await local.whenIdle()
      await service.whenIdle()

      const run = await service.handlers['runs/get']({ runId: queued.id })
      expect(run.status, run.error ?? '').toBe('finished')
      expect(run.step).toBe(8)
      expect(launches).toHaveLength(1)
      const [launch] = launches
      const jobId = launch!.handle.jobId!
      expect(jobId).toMatch(/^\d+$/)
      // Slurm ran it: its record names the run and says it completed
      const job = scontrolJob(jobId)
      expect(job).toContain(`JobName=fixmatch-lab-run-${queued.id}`)
      expect(job).toMatch(/JobState=COMPLETED/)
      expect(job).toMatch(/Requeue=0/)
      expect(launch!.states).toContain('COMPLETED')
      expect(launch!.exit).toEqual({ code: 0, signal: null })
      const types = new Set(launch!.messages.map((m) => m.type))
      for (const type of ['started', 'progress', 'metrics', 'eval', 'checkpoint', 'finished'] as const) expect(types, type).toContain(type)
      // recorded by the service, as for a local run: the same metrics and the same final weights
      expect(deterministicMetrics(service, queued.id)).toEqual(deterministicMetrics(local, localRun.id))
      const remote = checkpointState(service, queued.id)
      const reference = checkpointState(local, localRun.id)
      for (const name of Object.keys(reference.tensors.params)) {
        const a = remote.tensors.params[name]!.values
        const b = reference.tensors.params[name]!.values
        expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength)), name).toBe(true)
      }
      // the token's file is gone with the job; the script and the output stay as the job's record
      const files = fs.readdirSync(slurmRunDir(home, queued.id))
      expect(files.filter((f) => f.startsWith('connect-'))).toEqual([])
      expect(files).toContain(`job-${jobId}.err`)
    }
  )

  it("a bad partition fails the run with sbatch's message", { timeout: TIMEOUT }, async () => {
    const { launcher, launches } = slurmLauncher({ partition: 'no-such-partition' })
    const service = openService({ homeDir: tempHome(), launcher })
    const queued = await service.handlers['queue/add']({ config: tinyConfig() })
    service.start()
    await service.whenIdle()
    const run = await service.handlers['runs/get']({ runId: queued.id })
    expect(run.status).toBe('failed')
    expect(run.error).toContain('sbatch refused the job: invalid partition specified: no-such-partition')
    expect(launches[0]!.handle.jobId).toBeUndefined()
  })

  it('a scancel by hand: the trainer checkpoints on SIGTERM, the job ends CANCELLED and the run is interrupted, saying so', { timeout: TIMEOUT }, async () => {
    const { launcher, launches } = slurmLauncher()
    const service = openService({ homeDir: tempHome(), launcher })
    const queued = await service.handlers['queue/add']({ config: slowConfig({ steps: 400, checkpointEvery: 100 }) })
    service.start()
    await waitUntil(() => (launches[0]?.messages ?? []).some((m) => m.type === 'progress' && m.step >= 3), 180_000, 'the Slurm job to train a few steps')
    const launch = launches[0]!
    execFileSync('scancel', [launch.handle.jobId!])
    await waitForStatus(service, queued.id, ['interrupted', 'failed', 'finished', 'cancelled'], 120_000)

    const run = await service.handlers['runs/get']({ runId: queued.id })
    expect(run.status).toBe('interrupted')
    expect(run.error).toContain(`ended by Slurm (job ${launch.handle.jobId} CANCELLED`)
    expect(launch.exit?.signal).toMatch(/^Slurm \(job \d+ CANCELLED/)
    // SIGTERM made it checkpoint (the periodic ones come only every 100 steps) and leave without its last word
    const checkpoints = launch.messages.filter((m) => m.type === 'checkpoint')
    expect(checkpoints.length).toBeGreaterThan(0)
    expect(checkpoints.at(-1)!.step).toBeGreaterThanOrEqual(3)
    expect(launch.messages.some((m) => m.type === 'log' && m.message.startsWith('SIGTERM from Slurm'))).toBe(true)
    expect(launch.messages.some((m) => m.type === 'paused' || m.type === 'finished')).toBe(false)
    expect(service.store.checkpoints.list(queued.id)[0]?.step).toBe(checkpoints.at(-1)!.step)
  })

  it(
    "the time limit's signal (SIGUSR1 to the batch shell, as --signal=B:USR1 sends it): a checkpoint, then the job ends and the run is interrupted",
    { timeout: TIMEOUT },
    async () => {
      const { launcher, launches } = slurmLauncher()
      const service = openService({ homeDir: tempHome(), launcher })
      const queued = await service.handlers['queue/add']({ config: slowConfig({ steps: 400, checkpointEvery: 100 }) })
      service.start()
      await waitUntil(() => (launches[0]?.messages ?? []).some((m) => m.type === 'progress' && m.step >= 3), 180_000, 'the Slurm job to train a few steps')
      const launch = launches[0]!
      // what Slurm does <lead> seconds before the limit, asked for now
      execFileSync('scancel', ['--batch', '--signal=USR1', launch.handle.jobId!])
      await waitForStatus(service, queued.id, ['interrupted', 'failed', 'finished', 'cancelled'], 120_000)

      const run = await service.handlers['runs/get']({ runId: queued.id })
      expect(run.status).toBe('interrupted')
      const checkpoints = launch.messages.filter((m) => m.type === 'checkpoint')
      expect(checkpoints.at(-1)!.step).toBeGreaterThanOrEqual(3)
      expect(launch.messages.some((m) => m.type === 'log' && m.message.startsWith('SIGUSR1 from Slurm (the time limit is near)'))).toBe(true)
      expect(launch.messages.some((m) => m.type === 'paused' || m.type === 'finished')).toBe(false)
      // the trainer left on its own, before any limit: the job completed
      expect(scontrolJob(launch.handle.jobId!)).toMatch(/JobState=COMPLETED/)
      expect(service.store.checkpoints.list(queued.id)[0]?.step).toBe(checkpoints.at(-1)!.step)
    }
  )
})
