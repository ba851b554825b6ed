import { describe, expect, it } from 'vitest'
import { StoreInputError, type RunExport } from '../../src/main/store/index.ts'
import { open, tempHome } from './store-helpers.ts'

function recordedRun(store: ReturnType<typeof open>) {
  const experiment = store.experiments.create({ name: 'cifar10@40', description: 'three variants', preset: 'cifar10-40' })
  const run = store.queue.enqueue({ config: { variant: 'U', seed: 5 }, experimentId: experiment.id })
  store.queue.setStatus(run.id, 'running')
  store.runs.setStartInfo(run.id, { splitHash: 'feed', backend: 'node', device: 'x86', appVersion: '0.1.0', libraryVersions: { tfjs: '4.22.0' }, os: 'linux' })
  for (let step = 10; step <= 30; step += 10) store.metrics.appendStep(run.id, step, { loss: 3 / step, 'weird, "name"': step }, 1_700_000_000_000 + step)
  store.metrics.appendStep(run.id, 30, { 'eval/top1': 0.42 }, 1_700_000_000_999)
  store.events.log({ runId: run.id, level: 'info', kind: 'status', message: 'started', data: { backend: 'node' }, time: 1_700_000_000_000 })
  store.checkpoints.add({ runId: run.id, step: 30, path: '/nowhere/ckpt-30.bin', bytes: 3, sha256: 'b'.repeat(64) })
  store.annotations.addTag(run.id, 'night')
  store.annotations.setNote({ runId: run.id }, 'looks good')
  store.queue.setStatus(run.id, 'finished', { step: 30, trainSeconds: 9.5 })
  return run.id
}

describe('export', () => {
  it('writes metrics as long-format CSV, quoting odd names', () => {
    const store = open(tempHome())
    const runId = recordedRun(store)
    expect(store.exports.metricsCsv(runId)).toBe(
      [
        'step,name,value,wall_time',
        '30,eval/top1,0.42,1700000000999',
        '10,loss,0.3,1700000000010',
        '20,loss,0.15,1700000000020',
        '30,loss,0.1,1700000000030',
        '10,"weird, ""name""",10,1700000000010',
        '20,"weird, ""name""",20,1700000000020',
        '30,"weird, ""name""",30,1700000000030',
        ''
      ].join('\n')
    )
  })

  it('round-trips a run through JSON into another install: new ids, same content', () => {
    const source = open(tempHome())
    const runId = recordedRun(source)
    const exported = JSON.parse(JSON.stringify(source.exports.runJson(runId))) as RunExport
    expect(exported.metrics.loss).toEqual({ steps: [10, 20, 30], values: [0.3, 0.15, 0.1], wallTimes: [1700000000010, 1700000000020, 1700000000030] })

    const target = open(tempHome())
    // the other install already has runs, so ids differ
    target.queue.enqueue({ config: {} })
    target.queue.enqueue({ config: {} })
    const imported = target.imports.importRun(exported)
    expect(imported.id).not.toBe(runId)
    const again = target.exports.runJson(imported.id)
    const comparable = (doc: RunExport) => ({ ...doc, exportedAt: 0, sourceRunId: 0, checkpoints: [] })
    expect(comparable(again)).toEqual(comparable(exported))
    expect(again.checkpoints).toEqual([]) // the files stayed behind
    expect(target.experiments.findByName('cifar10@40')?.id).toBe(imported.experimentId)
    expect(target.runs.list({ ids: [imported.id] })[0].summary).toEqual(source.runs.list({ ids: [runId] })[0].summary)
    // a second import joins the same experiment
    expect(target.imports.importRun(exported).experimentId).toBe(imported.experimentId)
    expect(target.imports.importRun(exported, { experimentId: null }).experimentId).toBeNull()
  })

  it('imports a run exported while running as interrupted, in the queue', () => {
    const source = open(tempHome())
    const run = source.queue.enqueue({ config: {} })
    source.queue.setStatus(run.id, 'running')
    const target = open(tempHome())
    const imported = target.imports.importRun(source.exports.runJson(run.id))
    expect(imported.status).toBe('interrupted')
    expect(target.queue.list().map((r) => r.id)).toEqual([imported.id])
  })

  it('refuses a malformed file, naming the field, and records nothing', () => {
    const source = open(tempHome())
    const good = JSON.parse(JSON.stringify(source.exports.runJson(recordedRun(source)))) as RunExport
    const target = open(tempHome())
    expect(() => target.imports.importRun({ ...good, format: 'other' })).toThrow(/format/)
    expect(() => target.imports.importRun({ ...good, run: { ...good.run, status: 'asleep' } })).toThrow(/run\.status/)
    expect(() => target.imports.importRun({ ...good, run: { ...good.run, config: { ...good.run.config, lr: -1 } } })).toThrow(/lr/)
    const badMetrics = { ...good, metrics: { loss: { steps: [1, 2], values: [1], wallTimes: [1, 2] } } }
    expect(() => target.imports.importRun(badMetrics)).toThrow(StoreInputError)
    expect(() => target.imports.importRun(badMetrics)).toThrow(/^metrics\.loss: steps, values and wallTimes differ in length/)
    expect(() => target.imports.importRun('nope')).toThrow(/export: expected an object/)
    // nested fields are named by their path, with the value refused
    const badEvent = { ...good, events: [{ time: 1, level: 'loud', kind: 'status', message: 'x' }] }
    expect(() => target.imports.importRun(badEvent)).toThrow(/^events\.0\.level: expected one of debug, info, warn, error, got "loud"$/)
    expect(() => target.imports.importRun({ ...good, run: { ...good.run, createdAt: 1.5 } })).toThrow(/^run\.createdAt: expected an integer >= 0, got 1\.5$/)
    expect(target.runs.count()).toBe(0)
    expect(target.experiments.list()).toEqual([])
  })
})
