import fs from 'node:fs'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { NotFoundError, StoreInputError } from '../../src/main/store/index.ts'
import { connectionOf, open, tempHome } from './store-helpers.ts'
import { runRecordSchema } from '../../src/shared/api.ts'
import { toApiRun } from '../../src/main/service/records.ts'

describe('experiments', () => {
  it('are created, listed with their runs, renamed and deleted (runs stay)', () => {
    const store = open(tempHome())
    const experiment = store.experiments.create({ name: 'cifar10@40', description: 'O vs L vs U', preset: 'cifar10-40', baseConfig: { dataset: 'cifar10' } })
    expect(() => store.experiments.create({ name: 'cifar10@40' })).toThrow(/exists already/)
    expect(() => store.experiments.create({ name: '  ' })).toThrow(StoreInputError)
    const runs = [1, 2].map((seed) => store.queue.enqueue({ config: { seed }, experimentId: experiment.id }).id)
    store.queue.enqueue({ config: {} })
    expect(store.experiments.list()).toEqual([{ ...experiment, runIds: runs }])
    expect(store.experiments.update(experiment.id, { name: 'renamed' }).name).toBe('renamed')
    store.experiments.delete(experiment.id)
    expect(store.experiments.list()).toEqual([])
    expect(store.runs.require(runs[0]).experimentId).toBeNull()
    expect(() => store.experiments.delete(experiment.id)).toThrow(NotFoundError)
  })
})

describe('listing runs', () => {
  it('filters by experiment, status, tag and search, pages, and counts', () => {
    const store = open(tempHome())
    const experiment = store.experiments.create({ name: 'seeds' })
    const a = store.queue.enqueue({ config: { variant: 'O', dataset: 'cifar10' }, experimentId: experiment.id }).id
    const b = store.queue.enqueue({ config: { variant: 'U' } }).id
    const c = store.queue.enqueue({ config: { variant: 'L' } }).id
    store.queue.setStatus(b, 'running')
    store.annotations.addTag(c, 'best_so_far')
    store.annotations.setNote({ runId: c }, 'try lr 0.01 next')
    const ids = (filter: Parameters<typeof store.runs.list>[0]) => store.runs.list(filter).map((r) => r.id)
    expect(ids({})).toEqual([c, b, a])
    expect(ids({ order: 'oldest' })).toEqual([a, b, c])
    expect(ids({ experimentId: experiment.id })).toEqual([a])
    expect(ids({ experimentId: null })).toEqual([c, b])
    expect(ids({ status: 'running' })).toEqual([b])
    expect(ids({ status: ['queued', 'running'] })).toEqual([c, b, a])
    expect(ids({ tag: 'best_so_far' })).toEqual([c])
    expect(ids({ search: 'CIFAR10' })).toEqual([a])
    expect(ids({ search: 'seeds' })).toEqual([a])
    expect(ids({ search: 'lr 0.01' })).toEqual([c])
    expect(ids({ search: 'best_so' })).toEqual([c])
    expect(ids({ search: '%' })).toEqual([])
    expect(ids({ search: `#${b}` })).toEqual([b])
    expect(ids({ limit: 2, offset: 1 })).toEqual([b, a])
    expect(store.runs.count({ status: 'queued' })).toBe(2)
    expect(() => store.runs.list({ status: 'asleep' as never })).toThrow(/unknown run status/)
    const [listed] = store.runs.list({ ids: [c] })
    expect(listed).toMatchObject({ tags: ['best_so_far'], note: 'try lr 0.01 next', experimentName: null, summary: {} })
  })

  it('records start details and heartbeats, and deletes a run with everything it owns', () => {
    const store = open(tempHome())
    const run = store.queue.enqueue({ config: {} })
    store.queue.setStatus(run.id, 'running')
    store.runs.setStartInfo(run.id, {
      splitHash: 'abc123',
      backend: 'wasm',
      device: 'cpu x2',
      appVersion: '0.1.0',
      libraryVersions: { tfjs: '4.22.0' },
      os: 'linux'
    })
    store.runs.heartbeat(run.id, { step: 30, trainSeconds: 4.5 })
    expect(store.runs.require(run.id)).toMatchObject({ splitHash: 'abc123', backend: 'wasm', libraryVersions: { tfjs: '4.22.0' }, step: 30, trainSeconds: 4.5 })
    expect(() => store.runs.heartbeat(run.id, { step: -1, trainSeconds: 0 })).toThrow(/step/)
    store.metrics.appendStep(run.id, 30, { loss: 2 })
    store.events.log({ runId: run.id, level: 'info', kind: 'status', message: 'started' })
    store.checkpoints.add({ runId: run.id, step: 30, path: '/x/ckpt-30.bin', bytes: 10, sha256: 'a'.repeat(64) })
    store.annotations.addTag(run.id, 'x')
    expect(() => store.runs.delete(run.id)).toThrow(/running/)
    store.queue.setStatus(run.id, 'cancelled')
    expect(store.runs.delete(run.id)).toEqual({ checkpointPaths: ['/x/ckpt-30.bin'] })
    expect(store.runs.get(run.id)).toBeUndefined()
    expect(store.events.list({ runId: run.id })).toEqual([])
    expect(store.metrics.summary(run.id)).toEqual({})
    expect(store.annotations.allTags()).toEqual([])
  })
})

describe('events', () => {
  it('append, filter by run, level and kind, and tail after an id', () => {
    const store = open(tempHome())
    const run = store.queue.enqueue({ config: {} })
    const [first] = store.events.logMany([
      { level: 'info', kind: 'app', message: 'started' },
      { runId: run.id, level: 'debug', kind: 'log', message: 'step 1' },
      { runId: run.id, level: 'warn', kind: 'backend', message: 'no GPU', data: { tried: ['node-gpu'] } }
    ])
    expect(store.events.list().map((e) => e.message)).toEqual(['started', 'step 1', 'no GPU'])
    expect(store.events.list({ runId: null }).map((e) => e.message)).toEqual(['started'])
    expect(store.events.list({ runId: run.id, minLevel: 'info' })).toMatchObject([{ kind: 'backend', data: { tried: ['node-gpu'] } }])
    expect(store.events.list({ afterId: first }).map((e) => e.message)).toEqual(['step 1', 'no GPU'])
    expect(store.events.list({ limit: 1 }).map((e) => e.message)).toEqual(['no GPU'])
    expect(store.events.list({ afterId: first, limit: 1 }).map((e) => e.message)).toEqual(['step 1'])
    expect(store.events.list({ kind: 'log' })).toHaveLength(1)
    expect(() => store.events.log({ level: 'loud' as never, kind: 'x', message: '' })).toThrow(/level/)
  })
})

describe('checkpoints', () => {
  it('find the latest valid file and prune all but the last K', () => {
    const home = tempHome()
    const store = open(home)
    const run = store.queue.enqueue({ config: {} })
    const write = (step: number, content: string) => {
      const file = path.join(home, `ckpt-${step}.bin`)
      fs.writeFileSync(file, content)
      return store.checkpoints.add({
        runId: run.id,
        step,
        path: file,
        bytes: Buffer.byteLength(content),
        sha256: createHash('sha256').update(content).digest('hex')
      })
    }
    write(100, 'one hundred')
    const at200 = write(200, 'two hundred')
    const at300 = write(300, 'three hundred')
    expect(store.checkpoints.latest(run.id)?.step).toBe(300)
    fs.writeFileSync(at300.path, 'truncat') // damaged: wrong size
    expect(store.checkpoints.latest(run.id)?.step).toBe(200)
    fs.writeFileSync(at200.path, 'TWO HUNDRED') // same size, other bytes
    expect(store.checkpoints.latest(run.id, 'size')?.step).toBe(200)
    expect(store.checkpoints.latest(run.id, 'sha256')?.step).toBe(100)
    const removed = store.checkpoints.prune(run.id, 2)
    expect(removed.map((c) => c.step)).toEqual([100])
    expect(store.checkpoints.list(run.id).map((c) => c.step)).toEqual([300, 200])
    expect(() => store.checkpoints.add({ runId: run.id, step: 1, path: 'x', bytes: 1, sha256: 'nope' })).toThrow(/sha256/)
  })
})

describe('tags and notes', () => {
  it('tags runs, counts tags, and keeps one note per run or experiment', () => {
    const store = open(tempHome())
    const a = store.queue.enqueue({ config: {} }).id
    const b = store.queue.enqueue({ config: {} }).id
    store.annotations.addTag(a, ' baseline ')
    store.annotations.addTag(a, 'baseline')
    store.annotations.addTag(b, 'baseline')
    store.annotations.addTag(b, 'odd')
    expect(store.annotations.tags(a)).toEqual(['baseline'])
    expect(store.annotations.allTags()).toEqual([
      { tag: 'baseline', count: 2 },
      { tag: 'odd', count: 1 }
    ])
    store.annotations.removeTag(b, 'odd')
    expect(store.annotations.tags(b)).toEqual(['baseline'])
    expect(() => store.annotations.addTag(a, '')).toThrow(StoreInputError)
    expect(() => store.annotations.addTag(999, 'x')).toThrow(NotFoundError)

    const experiment = store.experiments.create({ name: 'e' })
    store.annotations.setNote({ runId: a }, 'first')
    store.annotations.setNote({ runId: a }, 'second')
    store.annotations.setNote({ experimentId: experiment.id }, 'about the experiment')
    expect(store.annotations.note({ runId: a })?.text).toBe('second')
    expect(store.annotations.note({ experimentId: experiment.id })?.text).toBe('about the experiment')
    store.annotations.setNote({ runId: a }, '')
    expect(store.annotations.note({ runId: a })).toBeUndefined()
  })
})

describe('runs stored by an earlier version', () => {
  it('open with the defaults of config keys the schema gained since', () => {
    const home = tempHome()
    const store = open(home)
    const run = store.queue.enqueue({ config: { variant: 'U', temperature: 0.5 } })
    // as a row written before `threshold` (a method key) existed
    const db = connectionOf(store)
    const stored = JSON.parse((db.prepare('SELECT config FROM runs WHERE id = ?').get(run.id) as { config: string }).config)
    delete stored.threshold
    db.prepare('UPDATE runs SET config = ? WHERE id = ?').run(JSON.stringify(stored), run.id)
    const read = store.runs.get(run.id)!
    expect(read.config.threshold).toBe(0.95)
    expect(read.config.temperature).toBe(0.5)
    expect(read.config.variant).toBe('U')
  })
})

describe('the contract record of a stored run', () => {
  it('is the stored row with ISO times: no store bookkeeping reaches the contract, every contract field is there', () => {
    const store = open(tempHome())
    const run = store.queue.enqueue({ config: { steps: 10 } })
    store.annotations.addTag(run.id, 'baseline')
    store.metrics.append(run.id, [{ step: 1, name: 'loss', value: 2, wallTime: 5 }])
    const record = toApiRun(store, store.runs.list({ ids: [run.id] })[0])
    const parsed = runRecordSchema.strict().parse(record)
    expect(Object.keys(record).sort()).toEqual(Object.keys(parsed).sort())
    expect(record).not.toHaveProperty('lastHeartbeatAt')
    expect(record).not.toHaveProperty('experimentName')
    expect(record.summary.loss).toStrictEqual({ last: 2, lastStep: 1, best: 2, min: 2, max: 2 })
    expect(record.createdAt).toBe(new Date(store.runs.require(run.id).createdAt).toISOString())
    expect(record.tags).toEqual(['baseline'])
  })
})
