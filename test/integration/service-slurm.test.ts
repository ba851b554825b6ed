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
import { deterministicMetrics, openService, tempHome, tinyConfig } from './service-helpers.ts'

const missing = slurmMissing('the slurm executor tests')

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
})
