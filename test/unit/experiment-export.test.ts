import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/shared/config.ts'
import { openStore, type RunStore } from '../../src/main/store/index.ts'
import { experimentJson, experimentMetricsCsv } from '../../src/main/service/experiment-export.ts'

let store: RunStore | undefined
afterEach(() => store?.close())

describe('experiment export', () => {
  it('joins the runs of one experiment, naming run, variant and seed on every CSV row', () => {
    store = openStore(fs.mkdtempSync(path.join(os.tmpdir(), 'fml-export-')))
    const experiment = store.experiments.create({ name: 'O vs U' })
    const other = store.experiments.create({ name: 'other' })
    const o = store.queue.enqueue({ config: resolveConfig({ variant: 'O', seed: 1 }), experimentId: experiment.id })
    const u = store.queue.enqueue({ config: resolveConfig({ variant: 'U', seed: 2 }), experimentId: experiment.id })
    const stranger = store.queue.enqueue({ config: resolveConfig({ variant: 'S' }), experimentId: other.id })
    store.metrics.appendStep(o.id, 10, { loss: 1.5 }, 1000)
    store.metrics.appendStep(u.id, 10, { loss: 2.5, 'eval/top1': 40 }, 2000)
    store.metrics.appendStep(stranger.id, 10, { loss: 9 }, 3000)

    const csv = experimentMetricsCsv(store, experiment.id).trim().split('\n')
    expect(csv[0]).toBe('run_id,variant,seed,step,name,value,wall_time')
    expect(csv.slice(1).sort()).toEqual([`${o.id},O,1,10,loss,1.5,1000`, `${u.id},U,2,10,eval/top1,40,2000`, `${u.id},U,2,10,loss,2.5,2000`].sort())

    const json = experimentJson(store, experiment.id)
    expect(json.experiment.name).toBe('O vs U')
    expect(json.runs.map((r) => r.run.variant)).toEqual(['O', 'U'])
    expect(() => experimentJson(store!, 999)).toThrow(/999/)
  })
})
