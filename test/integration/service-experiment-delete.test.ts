// "Delete experiment" does what its dialog says: the experiment goes with its
// runs, their metrics and their checkpoint folders; while one of its runs
// trains it is refused and nothing is deleted.
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkpointDir } from '../../src/main/service/index.ts'
import { writeCheckpointAtomic } from '../../src/main/checkpoint/files.ts'
import { fakeLauncher, openService, tempHome, tinyConfig, waitForStatus } from './service-helpers.ts'

describe('experiments/delete', () => {
  it('removes the runs with their metrics and checkpoints, refused while one of them runs', async () => {
    const home = tempHome()
    const launcher = fakeLauncher()
    const service = openService({ homeDir: home, launcher })
    const { handlers, store } = service
    const other = await handlers['queue/add']({ config: tinyConfig({ seed: 9 }) })
    fs.mkdirSync(checkpointDir(home, other.id), { recursive: true })
    const experiment = await handlers['experiments/create']({ name: 'study', config: tinyConfig(), variants: ['O', 'S'], seeds: [1] })
    const [trained, waiting] = experiment.runIds as [number, number]
    // the second run waits held, so the queue does not start it meanwhile
    await handlers['queue/pause']({ runId: waiting })
    await handlers['queue/pause']({ runId: other.id })
    service.start()
    await waitForStatus(service, trained, ['running'])
    const trainer = launcher.trainers[0]!
    trainer.report({
      type: 'started',
      backend: 'wasm',
      device: 'a test CPU',
      splitHash: 'feedfacefeedface',
      resumedFromStep: null,
      trainSeconds: 0,
      rejected: [],
      libraryVersions: { tfjs: '4.22.0', node: '20' },
      os: 'Test OS 1'
    })
    trainer.report({ type: 'metrics', step: 2, values: { loss: 2.25, maskRate: 0.5 } })
    trainer.report({ type: 'eval', step: 2, top1: 41.5, top5: 88, loss: 1.9, count: 200 })
    const written = writeCheckpointAtomic(checkpointDir(home, trained), 2, Buffer.from('weights'))
    trainer.report({ type: 'checkpoint', step: 2, ...written, trainSeconds: 1, splitHash: 'feedfacefeedface' })

    const refused = await handlers['experiments/delete']({ experimentId: experiment.id }).catch((e: unknown) => e)
    expect(refused).toMatchObject({
      kind: 'conflict',
      field: 'experimentId',
      message: expect.stringMatching(new RegExp(`run ${trained} is running: cancel it before deleting the experiment "study"`))
    })
    expect(store.experiments.get(experiment.id)).toBeDefined()
    expect(store.runs.get(waiting)).toBeDefined()
    expect(fs.existsSync(written.path)).toBe(true)

    trainer.report({ type: 'paused', step: 2, trainSeconds: 1 })
    trainer.exit(0)
    await waitForStatus(service, trained, ['paused'])
    expect(store.metrics.names(trained).length).toBeGreaterThan(0)

    await handlers['experiments/delete']({ experimentId: experiment.id })
    expect(store.experiments.get(experiment.id)).toBeUndefined()
    for (const runId of [trained, waiting]) {
      expect(store.runs.get(runId)).toBeUndefined()
      expect(store.metrics.names(runId)).toEqual([])
      expect(store.checkpoints.list(runId)).toEqual([])
      expect(fs.existsSync(checkpointDir(home, runId))).toBe(false)
    }
    expect((await handlers['queue/list'](undefined)).map((r) => r.id)).toEqual([other.id])
    // a run of no experiment keeps its folder
    expect(fs.existsSync(checkpointDir(home, other.id))).toBe(true)
    await expect(handlers['experiments/delete']({ experimentId: experiment.id })).rejects.toMatchObject({ kind: 'not-found' })
  })
})
