import { describe, expect, it } from 'vitest'
import { InvalidTransitionError, StoreInputError, TRANSITIONS, RUN_STATUSES, type RunStatus } from '../../src/main/store/index.ts'
import { open, tempHome } from './store-helpers.ts'

function queueIds(store: ReturnType<typeof open>): number[] {
  return store.queue.list().map((r) => r.id)
}

describe('the queue', () => {
  it('keeps enqueue order, hands out the first queued run, and moves runs', () => {
    const store = open(tempHome())
    const [a, b, c, d] = ['O', 'L', 'U', 'U+'].map((variant) => store.queue.enqueue({ config: { variant } }).id)
    expect(queueIds(store)).toEqual([a, b, c, d])
    expect(store.queue.nextQueued()?.id).toBe(a)

    expect(store.queue.move(c, 'up').map((r) => r.id)).toEqual([a, c, b, d])
    store.queue.move(a, 'down')
    expect(queueIds(store)).toEqual([c, a, b, d])
    store.queue.move(d, 'top')
    expect(queueIds(store)).toEqual([d, c, a, b])
    store.queue.move(d, 'bottom')
    expect(queueIds(store)).toEqual([c, a, b, d])
    // at the edges nothing moves
    store.queue.move(c, 'up')
    store.queue.move(d, 'down')
    store.queue.move(c, 'top')
    expect(queueIds(store)).toEqual([c, a, b, d])
    const e = store.queue.enqueue({ config: {}, at: 'top' }).id
    expect(queueIds(store)).toEqual([e, c, a, b, d])
    expect(() => store.queue.move(a, 'sideways' as never)).toThrow(StoreInputError)
  })

  it('takes runs out of the queue while they run and puts paused ones first in line', () => {
    const store = open(tempHome())
    const [a, b, c] = [1, 2, 3].map((seed) => store.queue.enqueue({ config: { seed } }).id)
    store.queue.setStatus(a, 'running')
    expect(queueIds(store)).toEqual([b, c])
    expect(store.queue.nextQueued()?.id).toBe(b)
    // a held (paused) queued run is skipped, but keeps its place
    store.queue.setStatus(b, 'paused')
    expect(store.queue.nextQueued()?.id).toBe(c)
    store.queue.setStatus(a, 'paused', { step: 120, trainSeconds: 33 })
    expect(queueIds(store)).toEqual([a, b, c])
    expect(store.runs.require(a)).toMatchObject({ status: 'paused', step: 120, trainSeconds: 33 })
    store.queue.setStatus(a, 'queued')
    expect(store.queue.nextQueued()?.id).toBe(a)
    store.queue.setStatus(a, 'running')
    const done = store.queue.setStatus(a, 'finished', { step: 1000 })
    expect(done.queuePosition).toBeNull()
    expect(done.finishedAt).not.toBeNull()
    expect(done.startedAt).toBeLessThan(done.finishedAt!)
    expect(queueIds(store)).toEqual([b, c])
  })

  it('refuses transitions the table does not allow, naming both statuses', () => {
    const store = open(tempHome())
    const run = store.queue.enqueue({ config: {} })
    expect(() => store.queue.setStatus(run.id, 'finished')).toThrow(InvalidTransitionError)
    expect(() => store.queue.setStatus(run.id, 'finished')).toThrow(/queued and cannot become finished/)
    store.queue.setStatus(run.id, 'running')
    store.queue.setStatus(run.id, 'failed', { error: 'the loss became NaN at step 12' })
    for (const to of RUN_STATUSES.filter((s) => s !== 'failed')) expect(() => store.queue.setStatus(run.id, to)).toThrow(/final; retry/)
    expect(store.runs.require(run.id)).toMatchObject({ status: 'failed', error: 'the loss became NaN at step 12' })
    expect(() => store.queue.setStatus(run.id, 'done' as RunStatus)).toThrow(/unknown run status/)
  })

  it('follows the transition table for every pair', () => {
    const store = open(tempHome())
    // reach each status by an allowed path, then try every target
    const paths: Record<RunStatus, RunStatus[]> = {
      queued: [],
      running: ['running'],
      paused: ['paused'],
      interrupted: ['running', 'interrupted'],
      finished: ['running', 'finished'],
      failed: ['running', 'failed'],
      cancelled: ['cancelled']
    }
    for (const from of RUN_STATUSES) {
      for (const to of RUN_STATUSES) {
        if (to === from) continue
        const run = store.queue.enqueue({ config: {} })
        for (const step of paths[from]) store.queue.setStatus(run.id, step)
        const allowed = TRANSITIONS[from].includes(to)
        if (allowed) expect(store.queue.setStatus(run.id, to).status).toBe(to)
        else expect(() => store.queue.setStatus(run.id, to)).toThrow(InvalidTransitionError)
      }
    }
  })

  it('marks runs left running as interrupted at start-up, first in the queue', () => {
    const home = tempHome()
    let store = open(home)
    const [a, b, c] = [1, 2, 3].map((seed) => store.queue.enqueue({ config: { seed } }).id)
    store.queue.setStatus(a, 'running')
    store.queue.setStatus(b, 'running')
    store.runs.heartbeat(b, { step: 40, trainSeconds: 12.5 })
    store.close() // as if the app died

    store = open(home)
    const interrupted = store.queue.markRunningAsInterrupted()
    expect(interrupted.map((r) => r.id)).toEqual([a, b])
    expect(queueIds(store)).toEqual([a, b, c])
    const run = store.runs.require(b)
    expect(run).toMatchObject({ status: 'interrupted', step: 40, trainSeconds: 12.5 })
    expect(run.error).toMatch(/app stopped.*last heartbeat/)
    expect(store.queue.markRunningAsInterrupted()).toEqual([])
    // resuming clears the reason
    expect(store.queue.setStatus(b, 'running').error).toBeNull()
  })

  it('retries a final run as a new queued run with the same config, experiment and tags', () => {
    const store = open(tempHome())
    const experiment = store.experiments.create({ name: 'cifar10@40' })
    const run = store.queue.enqueue({ config: { variant: 'L', seed: 3 }, experimentId: experiment.id })
    store.annotations.addTag(run.id, 'night')
    expect(() => store.queue.retry(run.id)).toThrow(/resume it instead/)
    store.queue.setStatus(run.id, 'cancelled')
    const copy = store.queue.retry(run.id)
    expect(copy).toMatchObject({ status: 'queued', retryOf: run.id, experimentId: experiment.id, configHash: run.configHash, variant: 'L', seed: 3 })
    expect(store.annotations.tags(copy.id)).toEqual(['night'])
    expect(store.runs.require(run.id).status).toBe('cancelled')
  })

  it('checks the config at the edge', () => {
    const store = open(tempHome())
    expect(() => store.queue.enqueue({ config: { variant: 'Z' } })).toThrow(/variant/)
    expect(() => store.queue.enqueue({ config: {}, experimentId: 42 })).toThrow('no experiment with id 42')
    const run = store.queue.enqueue({ config: { steps: 77 } })
    expect(run).toMatchObject({ totalSteps: 77, variant: 'O', step: 0, status: 'queued' })
    expect(run.configHash).toMatch(/^[0-9a-f]{64}$/)
    expect(store.queue.enqueue({ config: run.config }).configHash).toBe(run.configHash)
  })
})

describe("a run's executor", () => {
  it('is local unless given; a slurm run keeps its options, and a retry keeps both', () => {
    const store = open(tempHome())
    const local = store.queue.enqueue({ config: {} })
    expect(local).toMatchObject({ executor: 'local', slurm: null, slurmJobId: null })
    const options = { partition: 'gpu', gres: 'gpu:1', timeLimit: '01:00:00', extraLines: ['--mem=16G'], checkpointLeadSeconds: 120 }
    const slurm = store.queue.enqueue({ config: { seed: 2 }, executor: 'slurm', slurm: options })
    expect(store.runs.require(slurm.id)).toMatchObject({ executor: 'slurm', slurm: options, slurmJobId: null })
    expect(store.runs.list({ ids: [slurm.id] })[0]).toMatchObject({ executor: 'slurm', slurm: options })
    store.queue.setStatus(slurm.id, 'running')
    store.queue.setStatus(slurm.id, 'failed', { error: 'x' })
    expect(store.queue.retry(slurm.id)).toMatchObject({ executor: 'slurm', slurm: options, retryOf: slurm.id })
  })

  it('refuses an unknown executor and Slurm options on a local run, naming the field', () => {
    const store = open(tempHome())
    expect(() => store.queue.enqueue({ config: {}, executor: 'cloud' as never })).toThrow(expect.objectContaining({ field: 'executor' }))
    expect(() => store.queue.enqueue({ config: {}, slurm: { extraLines: [], checkpointLeadSeconds: 180 } })).toThrow(
      expect.objectContaining({ field: 'slurm' })
    )
    expect(store.queue.list()).toHaveLength(0)
  })
})
