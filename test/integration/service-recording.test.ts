// When recording fails mid-run (metric writes throw), the run stops with the
// reason: it never trains on unrecorded, and never ends "finished" without data.
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { storePaths } from '../../src/main/store/index.ts'
import { fakeLauncher, openService, STARTED, tempHome, tinyConfig, waitForStatus, waitUntil } from './service-helpers.ts'

describe('a run whose metric writes fail', () => {
  it('is paused with the reason and its trainer ended, not recorded as finished without metrics; the queue is held', async () => {
    const home = tempHome()
    const launcher = fakeLauncher()
    const service = openService({ homeDir: home, launcher })
    const { id } = await service.handlers['queue/add']({ config: tinyConfig() })
    const next = await service.handlers['queue/add']({ config: tinyConfig({ seed: 2 }) })
    service.start()
    await waitForStatus(service, id, ['running'])
    const trainer = launcher.trainers[0]
    trainer.report(STARTED)
    // from now on every metric row is refused, as a damaged metrics table does; the runs table still takes writes
    const other = new Database(storePaths(home).file)
    other.exec("CREATE TRIGGER refuse_metrics BEFORE INSERT ON metrics BEGIN SELECT RAISE(ABORT, 'metrics cannot be written'); END")
    other.close()
    trainer.report({ type: 'metrics', step: 2, values: { loss: 2.5 } })
    trainer.report({ type: 'heartbeat', step: 2, trainSeconds: 0.1 })
    await waitUntil(() => trainer.killed, 5000, 'the trainer to be ended after the failed write')
    // what the trainer says afterwards (it had trained on) is not recorded
    trainer.report({ type: 'finished', step: 8, trainSeconds: 0.4 })
    await waitForStatus(service, id, ['paused'], 5000)
    const run = service.store.runs.require(id)
    expect(run.status).toBe('paused')
    expect(run.error).toMatch(/recording this run failed.*metrics cannot be written.*resume it to continue from its checkpoint at step 0/s)
    await service.whenIdle()
    expect(service.store.runs.require(id).status).toBe('paused')
    // the next run would fail the same way: the queue is held, it does not start
    expect(service.store.runs.require(next.id).status).toBe('queued')
    expect(launcher.trainers).toHaveLength(1)
  })
})
