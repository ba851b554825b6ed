// The slurm executor wired into the service, against a real Slurm (the
// one-node one of scripts/slurm-dev.sh): runs queued with executor slurm are
// submitted as jobs by the scheduler, beside the local slots, with the Slurm
// options kept with each run. Skipped, with the reason printed, where Slurm is
// not there; in CI (FIXMATCH_REQUIRE_SLURM=1) a missing Slurm fails instead.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import { afterAll, describe, expect, it } from 'vitest'
import { slurmRunDir, slurmTrainerLauncher, type SlurmTrainerLauncher } from '../../src/main/service/slurm/launcher.ts'
import { slurmMissing } from './slurm-helpers.ts'
import type { LabService } from '../../src/main/service/index.ts'
import {
  checkpointState,
  closeService,
  deterministicMetrics,
  expectSameWeights,
  openService,
  slowConfig,
  tempHome,
  tinyConfig,
  waitForStatus,
  waitUntil
} from './service-helpers.ts'

const missing = slurmMissing('the slurm executor tests')

/** Long enough (about half a second a step) for a pause or a scancel to land mid-run; periodic checkpoints only at the end. */
const LONGER = slowConfig({ steps: 16, checkpointEvery: 100 })

/** LONGER trained locally without a break, to compare with (a service the test's cleanup closes). */
async function uninterrupted(): Promise<{ service: LabService; runId: number }> {
  const service = openService({ homeDir: tempHome() })
  const runId = (await service.handlers['queue/add']({ config: LONGER })).id
  service.start()
  await service.whenIdle()
  expect(service.store.runs.require(runId).status).toBe('finished')
  return { service, runId }
}

function scontrolJob(jobId: string): string {
  return execFileSync('scontrol', ['show', 'job', '-o', jobId], { encoding: 'utf8' })
}

const TIMEOUT = 300_000
const launchers: SlurmTrainerLauncher[] = []
afterAll(async () => {
  for (const launcher of launchers) await launcher.close()
})

/** The service's slurm launcher on this one node: it listens where the job (on this machine) reaches it, and looks often. */
function nodeLauncher(): SlurmTrainerLauncher {
  const launcher = slurmTrainerLauncher({ listenHost: '127.0.0.1', connectHost: '127.0.0.1', poll: { minMs: 200, maxMs: 1000, factor: 1.5 } })
  launchers.push(launcher)
  return launcher
}

describe.skipIf(missing !== undefined)('the slurm executor in the service', () => {
  it(
    'two short mnist runs queued by a service with --executor slurm run as jobs and finish with their metrics in the store',
    { timeout: TIMEOUT },
    async () => {
      const home = tempHome()
      // one local slot: slurm runs take none, so both are submitted at once
      const service = openService({ homeDir: home, executor: 'slurm', slurmLauncher: nodeLauncher(), slots: 1 })
      const ids = [
        (await service.handlers['queue/add']({ config: tinyConfig({ seed: 1 }) })).id,
        (await service.handlers['queue/add']({ config: tinyConfig({ seed: 2 }), slurm: { timeLimit: '10' } })).id
      ]
      // what the queue view saw of each job while it ran
      const seen = new Map<number, Set<string>>()
      service.events.on('queue/changed', ({ queue }) => {
        for (const run of queue) if (run.slurmJob) seen.set(run.id, (seen.get(run.id) ?? new Set()).add(`${run.slurmJob.state} ${run.slurmJob.nodes}`.trim()))
      })
      service.start()
      await service.whenIdle()

      for (const runId of ids) {
        const run = await service.handlers['runs/get']({ runId })
        expect(run.status, run.error ?? '').toBe('finished')
        expect(run).toMatchObject({ executor: 'slurm', step: 8 })
        expect(Object.keys(deterministicMetrics(service, runId))).toContain('eval/top1@8')
        // the job id was stored; Slurm's record of that job names the run and has the run's own time limit
        expect(run.slurmJobId).toMatch(/^\d+$/)
        const job = execFileSync('scontrol', ['show', 'job', '-o', run.slurmJobId!], { encoding: 'utf8' })
        expect(job).toContain(`JobName=fixmatch-lab-run-${runId}`)
        if (runId === ids[1]) expect(job).toContain('TimeLimit=00:10:00')
        expect([...(seen.get(runId) ?? [])]).toContain(`RUNNING ${os.hostname().split('.')[0]}`)
        // Slurm's record of it: the job's script and its output, kept in the run's folder
        const files = fs.readdirSync(slurmRunDir(home, runId))
        expect(files.some((f) => /^job-\d+\.err$/.test(f))).toBe(true)
      }
    }
  )

  it(
    'a paused slurm run ends its job; resumed, a new job continues from the checkpoint and ends bit-identical to an uninterrupted run',
    { timeout: TIMEOUT },
    async () => {
      const service = openService({ homeDir: tempHome(), executor: 'slurm', slurmLauncher: nodeLauncher() })
      const runId = (await service.handlers['queue/add']({ config: LONGER })).id
      service.start()
      await waitUntil(() => service.store.runs.require(runId).step >= 3, 180_000, 'the job to train a few steps')
      const firstJob = service.store.runs.require(runId).slurmJobId!
      await service.handlers['queue/pause']({ runId })
      await waitForStatus(service, runId, ['paused'], 120_000)
      const paused = service.store.runs.require(runId)
      expect(paused.step).toBeLessThan(LONGER.steps)
      // the allocation is released: the job ended on its own once the trainer had checkpointed
      await waitUntil(() => /JobState=COMPLETED/.test(scontrolJob(firstJob)), 60_000, `job ${firstJob} to complete`)

      await service.handlers['queue/resume']({ runId })
      await waitForStatus(service, runId, ['finished'], 240_000)
      const secondJob = service.store.runs.require(runId).slurmJobId!
      expect(secondJob).not.toBe(firstJob)
      expect(service.store.events.list({ runId }).map((e) => e.message)).toContain(
        `resumed from the checkpoint at step ${paused.step} on wasm (${service.store.runs.require(runId).device})`
      )
      const reference = await uninterrupted()
      expect(deterministicMetrics(service, runId)).toEqual(deterministicMetrics(reference.service, reference.runId))
      expectSameWeights(checkpointState(service, runId), checkpointState(reference.service, reference.runId))
    }
  )

  it('a scancel by hand leaves the run interrupted; the service resumes it with a new job from its checkpoint', { timeout: TIMEOUT }, async () => {
    const service = openService({ homeDir: tempHome(), executor: 'slurm', slurmLauncher: nodeLauncher(), autoResume: true })
    const runId = (await service.handlers['queue/add']({ config: LONGER })).id
    const statuses: string[] = []
    service.events.on('run/status', ({ run }) => run.id === runId && statuses.at(-1) !== run.status && statuses.push(run.status))
    service.start()
    await waitUntil(() => service.store.runs.require(runId).step >= 3, 180_000, 'the job to train a few steps')
    const firstJob = service.store.runs.require(runId).slurmJobId!
    execFileSync('scancel', [firstJob])
    await waitUntil(() => statuses.includes('interrupted'), 120_000, 'the run to be interrupted')
    await waitForStatus(service, runId, ['finished'], 240_000)
    expect(statuses).toEqual(['running', 'interrupted', 'queued', 'running', 'finished'])
    expect(service.store.runs.require(runId).slurmJobId).not.toBe(firstJob)
    // SIGTERM made the trainer checkpoint (its periodic ones come later), and the new job continued from there
    const resumed = service.store.events.list({ runId }).find((e) => e.message.startsWith('resumed from the checkpoint at step '))
    expect(resumed, 'a resume from a checkpoint').toBeDefined()
    const reference = await uninterrupted()
    expect(deterministicMetrics(service, runId)).toEqual(deterministicMetrics(reference.service, reference.runId))
    expectSameWeights(checkpointState(service, runId), checkpointState(reference.service, reference.runId))
  })

  it(
    'a service restart while a job runs re-attaches to it: the run finishes under the same job, its metrics those of an uninterrupted run',
    { timeout: TIMEOUT },
    async () => {
      const home = tempHome()
      const first = openService({ homeDir: home, executor: 'slurm', slurmLauncher: nodeLauncher() })
      const runId = (await first.handlers['queue/add']({ config: LONGER })).id
      first.start()
      await waitUntil(() => first.store.runs.require(runId).step >= 3, 180_000, 'the job to train a few steps')
      const jobId = first.store.runs.require(runId).slurmJobId!
      // stopped as `worker` and `serve` stop (a pause of the running runs for local ones): the job keeps running
      await closeService(first, true)
      expect(/JobState=RUNNING/.test(scontrolJob(jobId)), scontrolJob(jobId)).toBe(true)

      const second = openService({ homeDir: home, executor: 'slurm', slurmLauncher: nodeLauncher() })
      expect(second.store.runs.require(runId).status).toBe('running')
      second.start()
      await waitForStatus(second, runId, ['finished', 'interrupted', 'failed', 'paused'], 240_000)
      const run = second.store.runs.require(runId)
      expect(run.status, run.error ?? '').toBe('finished')
      expect(run.slurmJobId).toBe(jobId)
      const said = second.store.events.list({ runId }).map((e) => e.message)
      expect(said.some((m) => m.startsWith(`re-attached to Slurm job ${jobId} (RUNNING`))).toBe(true)
      expect(said.filter((m) => m.startsWith('submitted as Slurm job'))).toHaveLength(1)
      await waitUntil(() => /JobState=COMPLETED/.test(scontrolJob(jobId)), 60_000, `job ${jobId} to complete`)
      const reference = await uninterrupted()
      expect(deterministicMetrics(second, runId)).toEqual(deterministicMetrics(reference.service, reference.runId))
      expectSameWeights(checkpointState(second, runId), checkpointState(reference.service, reference.runId))
    }
  )

  it('a cancel from the app cancels the job (scancel) and the run', { timeout: TIMEOUT }, async () => {
    const service = openService({ homeDir: tempHome(), executor: 'slurm', slurmLauncher: nodeLauncher(), autoResume: true })
    const runId = (await service.handlers['queue/add']({ config: LONGER })).id
    service.start()
    await waitUntil(() => service.store.runs.require(runId).step >= 2, 180_000, 'the job to train a few steps')
    const jobId = service.store.runs.require(runId).slurmJobId!
    await service.handlers['queue/cancel']({ runId })
    await waitForStatus(service, runId, ['cancelled', 'interrupted', 'finished', 'failed'], 120_000)
    const run = service.store.runs.require(runId)
    expect(run.status).toBe('cancelled')
    expect(run.step).toBeLessThan(LONGER.steps)
    await waitUntil(() => /JobState=CANCELLED/.test(scontrolJob(jobId)), 60_000, `job ${jobId} to be cancelled`)
    // nothing resubmitted it
    await service.whenIdle()
    expect(service.store.runs.require(runId)).toMatchObject({ status: 'cancelled', slurmJobId: jobId })
  })
})
