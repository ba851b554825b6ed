// The service's queue, scheduler and recovery rules with scripted trainers
// (no training): order and moves, one run at a time, experiments, request
// checks, hung and crashing trainers, full disks, and the home's lock.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { VARIANTS } from '../../src/shared/config.ts'
import { LabService, ServiceError } from '../../src/main/service/index.ts'
import { StoreLockedError } from '../../src/main/store/index.ts'
import { CheckpointWriteError, removeUnfinishedWrites, writeCheckpointAtomic, type CheckpointFs } from '../../src/main/checkpoint/files.ts'
import { fakeJobLauncher, fakeLauncher, openService, STARTED, tempHome, tinyConfig, waitForStatus, waitUntil } from './service-helpers.ts'

async function queueThree(service: LabService): Promise<number[]> {
  const ids: number[] = []
  for (const seed of [1, 2, 3]) ids.push((await service.handlers['queue/add']({ config: tinyConfig({ seed }) })).id)
  return ids
}

describe('queue order and moves', () => {
  it('lists in the order added, moves up, down and to the top, and announces each change', async () => {
    const service = openService({ homeDir: tempHome(), launcher: fakeLauncher() })
    const [a, b, c] = await queueThree(service)
    const order = async () => (await service.handlers['queue/list']()).map((run) => run.id)
    const announced: number[][] = []
    service.events.on('queue/changed', ({ queue }) => announced.push(queue.map((run) => run.id)))
    expect(await order()).toEqual([a, b, c])
    await service.handlers['queue/move']({ runId: c, direction: 'up' })
    expect(await order()).toEqual([a, c, b])
    await service.handlers['queue/move']({ runId: b, direction: 'top' })
    expect(await order()).toEqual([b, a, c])
    await service.handlers['queue/move']({ runId: b, direction: 'down' })
    expect(await order()).toEqual([a, b, c])
    expect(announced).toEqual([
      [a, c, b],
      [b, a, c],
      [a, b, c]
    ])
  })

  it('checks requests at the edge and names the field', async () => {
    const service = openService({ homeDir: tempHome(), launcher: fakeLauncher() })
    const [a] = await queueThree(service)
    await expect(service.handlers['queue/move']({ runId: a, direction: 'sideways' as never })).rejects.toMatchObject({ field: 'direction' })
    await expect(service.handlers['runs/get']({ runId: 'one' as never })).rejects.toMatchObject({ field: 'runId' })
    await expect(service.handlers['runs/get']({ runId: 999 })).rejects.toThrow(/no run with id 999/)
    await expect(service.handlers['queue/add']({ config: { lr: -1 } })).rejects.toMatchObject({ key: 'lr' })
    await expect(service.handlers['queue/add']({ config: {}, preset: 'nope' })).rejects.toMatchObject({ field: 'preset' })
    await expect(service.handlers['queue/resume']({ runId: a })).resolves.toBeUndefined()
  })

  it('starts one run at a time, in queue order, skipping held (paused) runs', async () => {
    const launcher = fakeLauncher()
    const service = openService({ homeDir: tempHome(), launcher })
    const [a, b, c] = await queueThree(service)
    await service.handlers['queue/pause']({ runId: b })
    service.start()
    await waitForStatus(service, a, ['running'])
    expect(launcher.trainers).toHaveLength(1)
    expect(launcher.trainers[0].received[0]).toMatchObject({ type: 'start', runId: a, resumeCandidates: [] })
    const first = launcher.trainers[0]
    first.report(STARTED)
    first.report({ type: 'finished', step: 8, trainSeconds: 1.5, splitHash: STARTED.splitHash })
    first.exit(0)
    await waitForStatus(service, c, ['running'])
    expect(service.store.runs.require(a)).toMatchObject({ status: 'finished', step: 8, trainSeconds: 1.5 })
    expect(service.store.runs.require(b).status).toBe('paused')
    expect(launcher.trainers).toHaveLength(2)
  })

  it('cancels a running run through its trainer, and a queued one at once', async () => {
    const launcher = fakeLauncher()
    const service = openService({ homeDir: tempHome(), launcher })
    const [a, b] = await queueThree(service)
    service.start()
    await waitForStatus(service, a, ['running'])
    await service.handlers['queue/cancel']({ runId: b })
    expect(service.store.runs.require(b).status).toBe('cancelled')
    await service.handlers['queue/cancel']({ runId: a })
    expect(launcher.trainers[0].received.map((m) => m.type)).toEqual(['start', 'stop'])
    launcher.trainers[0].report({ type: 'stopped', step: 3, trainSeconds: 0.5 })
    launcher.trainers[0].exit(0)
    expect(await waitForStatus(service, a, ['cancelled'])).toBe('cancelled')
    await expect(service.handlers['queue/resume']({ runId: a })).rejects.toThrow(/only paused or interrupted runs resume/)
    const retry = await service.handlers['queue/retry']({ runId: a })
    expect(retry).toMatchObject({ status: expect.stringMatching(/queued|running/), retryOf: a })
  })
})

describe('experiments', () => {
  it('expands variants x seeds on one shared split, seed by seed', async () => {
    const service = openService({ homeDir: tempHome(), launcher: fakeLauncher() })
    const experiment = await service.handlers['experiments/create']({
      name: 'digits at 20 labels',
      preset: 'mnist-quick',
      config: { labelsPerClass: 2, splitSeed: 7, steps: 8 },
      variants: ['S', 'O', 'U'],
      seeds: [1, 2]
    })
    expect(experiment).toMatchObject({ name: 'digits at 20 labels', preset: 'mnist-quick' })
    expect(experiment.runIds).toHaveLength(6)
    const runs = await service.handlers['runs/list']({ experimentId: experiment.id })
    const queue = (await service.handlers['queue/list']()).map((run) => [run.variant, run.seed])
    expect(queue).toEqual([
      ['S', 1],
      ['O', 1],
      ['U', 1],
      ['S', 2],
      ['O', 2],
      ['U', 2]
    ])
    expect(new Set(runs.map((run) => run.config.splitSeed))).toEqual(new Set([7]))
    for (const run of runs) {
      // everything but variant and seed is the same config: the preset under the request's keys
      const { variant: _v, seed: _s, ...rest } = run.config
      const { variant: _v0, seed: _s0, ...first } = runs[0].config
      expect(rest).toEqual(first)
      expect(run.config).toMatchObject({ labelsPerClass: 2, steps: 8, threshold: 0.8 })
    }
    expect((await service.handlers['experiments/list']())[0].runIds).toEqual(experiment.runIds)
  })

  it('refuses bad variants, seeds or config keys before queueing anything', async () => {
    const service = openService({ homeDir: tempHome(), launcher: fakeLauncher() })
    const base = { name: 'x', config: {}, variants: ['O' as const], seeds: [1] }
    await expect(service.handlers['experiments/create']({ ...base, variants: ['O', 'Z'] as never })).rejects.toMatchObject({
      field: 'variants.1',
      message: `variants.1: expected one of ${VARIANTS.join(', ')}, got "Z"`
    })
    await expect(service.handlers['experiments/create']({ ...base, seeds: [1, 1] })).rejects.toMatchObject({
      field: 'seeds',
      message: expect.stringMatching(/^seeds: 1, 1 repeats an entry/)
    })
    await expect(service.handlers['experiments/create']({ ...base, variants: [] })).rejects.toMatchObject({ field: 'variants' })
    await expect(service.handlers['experiments/create']({ ...base, config: { mu: 0 } })).rejects.toMatchObject({ key: 'mu' })
    expect(await service.handlers['queue/list']()).toEqual([])
    expect(await service.handlers['experiments/list']()).toEqual([])
  })
})

describe('executors', () => {
  const options = { partition: 'gpu', gres: 'gpu:1', timeLimit: '30', account: 'lab', extraLines: ['#SBATCH --mem=8G'] }

  it("keeps an experiment's executor and Slurm options with each of its runs", async () => {
    const service = openService({ homeDir: tempHome(), launcher: fakeLauncher() })
    const base = { name: 'on the cluster', config: tinyConfig(), variants: ['S' as const, 'O' as const], seeds: [1] }
    const experiment = await service.handlers['experiments/create']({ ...base, executor: 'slurm', slurm: options })
    const runs = await service.handlers['runs/list']({ experimentId: experiment.id })
    expect(runs).toHaveLength(2)
    // the options as the schema reads them: the extra line without its #SBATCH, the lead time's default
    const stored = { ...options, extraLines: ['--mem=8G'], checkpointLeadSeconds: 180 }
    for (const run of runs) expect(run).toMatchObject({ executor: 'slurm', slurm: stored, slurmJobId: null })
    const local = await service.handlers['queue/add']({ config: tinyConfig() })
    expect(local).toMatchObject({ executor: 'local', slurm: null })
  })

  it('lists the runs of no experiment for experimentId null, and every run without one', async () => {
    const service = openService({ homeDir: tempHome(), launcher: fakeLauncher() })
    const experiment = await service.handlers['experiments/create']({ name: 'grouped', config: tinyConfig(), variants: ['S', 'O'], seeds: [1] })
    const loose = await service.handlers['queue/add']({ config: tinyConfig() })
    expect((await service.handlers['runs/list']({ experimentId: null })).map((run) => run.id)).toEqual([loose.id])
    expect((await service.handlers['runs/list']({ experimentId: experiment.id })).map((run) => run.id).sort()).toEqual([...experiment.runIds].sort())
    expect(await service.handlers['runs/list']({})).toHaveLength(3)
  })

  it('gives its own executor (--executor) to the runs queued without one', async () => {
    const service = openService({ homeDir: tempHome(), launcher: fakeLauncher(), executor: 'slurm' })
    expect(await service.handlers['queue/add']({ config: tinyConfig() })).toMatchObject({ executor: 'slurm', slurm: null })
    expect(await service.handlers['queue/add']({ config: tinyConfig(), executor: 'local' })).toMatchObject({ executor: 'local' })
    const experiment = await service.handlers['experiments/create']({ name: 'e', config: tinyConfig(), variants: ['S'], seeds: [1] })
    expect(await service.handlers['runs/get']({ runId: experiment.runIds[0] })).toMatchObject({ executor: 'slurm' })
  })

  it('refuses a bad executor, bad Slurm options and Slurm options on local runs, naming the field', async () => {
    const service = openService({ homeDir: tempHome(), launcher: fakeLauncher() })
    await expect(service.handlers['queue/add']({ config: tinyConfig(), executor: 'cloud' as never })).rejects.toMatchObject({ field: 'executor' })
    await expect(service.handlers['queue/add']({ config: tinyConfig(), executor: 'slurm', slurm: { partition: 'a b' } as never })).rejects.toMatchObject({
      field: 'slurm.partition'
    })
    await expect(service.handlers['queue/add']({ config: tinyConfig(), slurm: options as never })).rejects.toMatchObject({
      field: 'slurm',
      message: expect.stringContaining('only for executor slurm')
    })
    const base = { name: 'x', config: tinyConfig(), variants: ['O' as const], seeds: [1] }
    await expect(service.handlers['experiments/create']({ ...base, executor: 'local', slurm: options as never })).rejects.toMatchObject({ field: 'slurm' })
    expect(await service.handlers['queue/list']()).toEqual([])
  })
})

describe('the scheduler and executors', () => {
  const slurmHere = { available: true, missing: [] }

  it("submits slurm runs beside the local ones: they take no slot, and each goes to its executor's launcher", async () => {
    const local = fakeLauncher()
    const slurm = fakeJobLauncher()
    const service = openService({ homeDir: tempHome(), launcher: local, slurmLauncher: slurm, slurmCommands: slurmHere, slots: 1 })
    const a = (await service.handlers['queue/add']({ config: tinyConfig({ seed: 1 }) })).id
    const b = (await service.handlers['queue/add']({ config: tinyConfig({ seed: 2 }) })).id
    const options = { partition: 'debug', extraLines: [], checkpointLeadSeconds: 60 }
    const c = (await service.handlers['queue/add']({ config: tinyConfig({ seed: 3 }), executor: 'slurm', slurm: options })).id
    const d = (await service.handlers['queue/add']({ config: tinyConfig({ seed: 4 }), executor: 'slurm' })).id
    service.start()
    await waitForStatus(service, d, ['running'])
    // one slot: b waits for a, while both slurm runs were submitted
    expect(service.store.runs.require(a).status).toBe('running')
    expect(service.store.runs.require(b).status).toBe('queued')
    expect(local.trainers.map((t) => t.received[0])).toEqual([expect.objectContaining({ type: 'start', runId: a })])
    expect(slurm.trainers.map((t) => t.received[0])).toEqual([
      expect.objectContaining({ type: 'start', runId: c }),
      expect.objectContaining({ type: 'start', runId: d })
    ])
    expect((await service.handlers['settings/get']()).running).toBe(1)
    local.trainers[0].report({ ...STARTED })
    local.trainers[0].report({ type: 'finished', step: 10, trainSeconds: 1, splitHash: STARTED.splitHash })
    local.trainers[0].exit(0)
    await waitForStatus(service, b, ['running'])
    expect(service.store.runs.require(a).status).toBe('finished')
    expect(local.trainers).toHaveLength(2)
  })

  it('records the job id when the job is submitted and shows its state and node while it runs', async () => {
    const slurm = fakeJobLauncher()
    const service = openService({ homeDir: tempHome(), launcher: fakeLauncher(), slurmLauncher: slurm, slurmCommands: slurmHere })
    const runId = (await service.handlers['queue/add']({ config: tinyConfig(), executor: 'slurm' })).id
    service.start()
    await waitUntil(() => slurm.trainers.length === 1)
    const job = slurm.trainers[0]!
    expect((await service.handlers['runs/get']({ runId })).slurmJobId).toBeNull()
    job.submitted('4711')
    expect(service.store.runs.require(runId).slurmJobId).toBe('4711')
    job.jobState({ state: 'PENDING', nodes: '', reason: 'Priority' })
    const pending = (await service.handlers['queue/list']()).find((run) => run.id === runId)
    expect(pending).toMatchObject({ slurmJobId: '4711', slurmJob: { state: 'PENDING', nodes: '', reason: 'Priority' } })
    const announced: string[] = []
    service.events.on('queue/changed', ({ queue }) => announced.push(queue[0]?.slurmJob?.state ?? ''))
    job.jobState({ state: 'RUNNING', nodes: 'node1', reason: 'None' })
    expect(announced).toEqual(['RUNNING'])
    expect((await service.handlers['queue/list']())[0]).toMatchObject({ slurmJob: { state: 'RUNNING', nodes: 'node1' } })
    // the job id stays with the run; the live state goes with the session
    job.report({ ...STARTED })
    job.report({ type: 'finished', step: 10, trainSeconds: 1, splitHash: STARTED.splitHash })
    job.exit(0)
    await waitForStatus(service, runId, ['finished'])
    const done = await service.handlers['runs/get']({ runId })
    expect(done.slurmJobId).toBe('4711')
    expect(done.slurmJob ?? null).toBeNull()
  })

  it("leaves slurm runs waiting, with the reason in queue list, where Slurm's commands are missing", async () => {
    const local = fakeLauncher()
    const slurm = fakeJobLauncher()
    const reason = "Slurm's client commands are missing here (sbatch, squeue, scontrol, scancel not on PATH)"
    const service = openService({
      homeDir: tempHome(),
      launcher: local,
      slurmLauncher: slurm,
      slurmCommands: { available: false, missing: ['sbatch', 'squeue', 'scontrol', 'scancel'], reason },
      slots: 2
    })
    const first = (await service.handlers['queue/add']({ config: tinyConfig({ seed: 1 }), executor: 'slurm' })).id
    const second = (await service.handlers['queue/add']({ config: tinyConfig({ seed: 2 }) })).id
    service.start()
    await waitForStatus(service, second, ['running'])
    const listed = await service.handlers['queue/list']()
    expect(listed.find((run) => run.id === first)).toMatchObject({ status: 'queued', waiting: `waiting for a service with Slurm: ${reason}` })
    expect(listed.find((run) => run.id === second)).toMatchObject({ status: 'running', waiting: null })
    expect(slurm.trainers).toHaveLength(0)
    // nothing else can start here: once the local run ends the service is idle, the slurm run still queued
    local.trainers[0].report({ type: 'stopped', step: 0, trainSeconds: 0 })
    local.trainers[0].exit(0)
    await service.whenIdle()
    expect(service.store.runs.require(first).status).toBe('queued')
  })
})

describe('recovery rules', () => {
  it('a trainer that stops sending heartbeats is killed and its run interrupted, keeping what it reported', async () => {
    const launcher = fakeLauncher()
    const service = openService({ homeDir: tempHome(), launcher, heartbeatTimeoutMs: 300 })
    const [a] = await queueThree(service)
    service.start()
    await waitForStatus(service, a, ['running'])
    launcher.trainers[0].report(STARTED)
    launcher.trainers[0].report({ type: 'metrics', step: 2, values: { loss: 2.5, maskRate: 0.25 } })
    await waitForStatus(service, a, ['interrupted'])
    expect(launcher.trainers[0].killed).toBe(true)
    const run = service.store.runs.require(a)
    expect(run.error).toMatch(/no heartbeat for \d+ s \(hung\)/)
    expect(service.store.metrics.summary(a).loss.last).toBe(2.5)
  })

  it('a Slurm job pending longer than the heartbeat timeout is not killed; the clock starts once it runs', async () => {
    const slurm = fakeJobLauncher()
    const service = openService({
      homeDir: tempHome(),
      launcher: fakeLauncher(),
      slurmLauncher: slurm,
      slurmCommands: { available: true, missing: [] },
      heartbeatTimeoutMs: 200
    })
    const runId = (await service.handlers['queue/add']({ config: tinyConfig(), executor: 'slurm' })).id
    service.start()
    await waitUntil(() => slurm.trainers.length === 1)
    const job = slurm.trainers[0]!
    job.submitted('7')
    job.jobState({ state: 'PENDING', nodes: '', reason: 'Resources' })
    // five timeouts in the queue of the cluster
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(job.killed).toBe(false)
    expect(service.store.runs.require(runId).status).toBe('running')
    const running = Date.now()
    job.jobState({ state: 'RUNNING', nodes: 'node1', reason: 'None' })
    // its trainer never speaks: hung, as a local one would be
    await waitForStatus(service, runId, ['interrupted'])
    expect(Date.now() - running).toBeGreaterThanOrEqual(200)
    expect(job.killed).toBe(true)
    expect(service.store.runs.require(runId).error).toMatch(/no heartbeat for \d+ s \(hung\)/)
  })

  it('a trainer that announces a long evaluation may stay silent that long, and no longer', async () => {
    const launcher = fakeLauncher()
    const service = openService({ homeDir: tempHome(), launcher, heartbeatTimeoutMs: 200 })
    const [a] = await queueThree(service)
    service.start()
    await waitForStatus(service, a, ['running'])
    launcher.trainers[0].report(STARTED)
    const announced = Date.now()
    launcher.trainers[0].report({ type: 'heartbeat', step: 3, trainSeconds: 1, quietMs: 1000 })
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(service.store.runs.require(a).status).toBe('running')
    await waitForStatus(service, a, ['interrupted'], 5000)
    expect(Date.now() - announced).toBeGreaterThanOrEqual(1000)
  })

  it('automatic resumes stop after 3 interruptions in a row without a new checkpoint', async () => {
    const launcher = fakeLauncher()
    const service = openService({ homeDir: tempHome(), launcher, autoResume: true })
    const runId = (await service.handlers['queue/add']({ config: tinyConfig() })).id
    const dying = setInterval(() => {
      for (const trainer of launcher.trainers) if (!trainer.killed) trainer.kill()
    }, 10)
    service.start()
    await waitUntil(() => launcher.trainers.length === 4 && service.store.runs.require(runId).status === 'interrupted', 10_000, 'the 4th interruption')
    clearInterval(dying)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(launcher.trainers).toHaveLength(4)
    expect(service.store.runs.require(runId).status).toBe('interrupted')
    const said = service.store.events.list({ runId }).map((e) => e.message)
    expect(said.some((m) => /interrupted 4 times in a row without a new checkpoint/.test(m))).toBe(true)
  })

  it('a checkpoint that does not fit on the disk pauses the run with the reason, and holds the queue', async () => {
    const launcher = fakeLauncher()
    const service = openService({ homeDir: tempHome(), launcher })
    const [a, b] = await queueThree(service)
    service.start()
    await waitForStatus(service, a, ['running'])
    launcher.trainers[0].report(STARTED)
    launcher.trainers[0].report({ type: 'metrics', step: 2, values: { loss: 2.5 } })
    launcher.trainers[0].report({ type: 'failed', message: 'could not write the checkpoint at step 2: the disk is full', diskFull: true })
    launcher.trainers[0].exit(0)
    await waitForStatus(service, a, ['paused'])
    await service.whenIdle()
    expect(service.store.runs.require(a).error).toMatch(/disk is full/)
    expect(service.store.metrics.summary(a).loss.last).toBe(2.5)
    // nothing else starts on a full disk until a person acts
    expect(service.store.runs.require(b).status).toBe('queued')
    expect(launcher.trainers).toHaveLength(1)
    await service.handlers['queue/resume']({ runId: a })
    await waitUntil(() => launcher.trainers.length === 2, 5000, 'the run to restart')
  })

  it('the run store filling up mid-run: the run is paused with a clear message and every recorded metric is kept', async () => {
    const launcher = fakeLauncher()
    const service = openService({ homeDir: tempHome(), launcher })
    const [a] = await queueThree(service)
    service.start()
    await waitForStatus(service, a, ['running'])
    const trainer = launcher.trainers[0]
    trainer.report(STARTED)
    trainer.report({ type: 'metrics', step: 2, values: { loss: 2.5 } })
    trainer.report({ type: 'heartbeat', step: 2, trainSeconds: 0.1 })
    await waitUntil(() => service.store.metrics.summary(a).loss !== undefined, 5000, 'the first batch')
    // SQLite's own "database or disk is full": no page beyond those in use
    const db = (service.store as unknown as { db: { pragma(text: string, options?: { simple: boolean }): unknown } }).db
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`)
    const names = Array.from({ length: 400 }, (_, i) => `flood/metric-with-a-long-name-${i}`)
    for (let step = 4; step <= 40; step += 2) trainer.report({ type: 'metrics', step, values: Object.fromEntries(names.map((n) => [n, step])) })
    await waitForStatus(service, a, ['paused'], 10_000)
    expect(trainer.killed).toBe(true)
    expect(service.store.runs.require(a).error).toMatch(/disk holding .* is full.*paused; it continues from its checkpoint at step 0/s)
    expect(service.store.metrics.summary(a).loss).toMatchObject({ last: 2.5, lastStep: 2 })
  })

  it('a second service on the same home fails with a clear error naming the first one', () => {
    const home = tempHome()
    openService({ homeDir: home, launcher: fakeLauncher() })
    let error: unknown
    try {
      LabService.open({ homeDir: home })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(StoreLockedError)
    expect((error as Error).message).toContain(`in use by process ${process.pid}`)
  })

  it('service errors carry a field and a kind for the bridges', () => {
    const error = new ServiceError('runId: expected a positive integer id', 'runId')
    expect(error).toMatchObject({ field: 'runId', kind: 'invalid' })
  })
})

describe('atomic checkpoint files', () => {
  it('a full disk mid-write leaves no partial file and the previous checkpoint intact', () => {
    const dir = path.join(tempHome(), 'checkpoints', '1')
    const earlier = writeCheckpointAtomic(dir, 2, Buffer.alloc(1000, 7))
    let writes = 0
    const full: CheckpointFs = {
      ...fs,
      writeSync: (fd, buffer, offset, length) => {
        if (++writes > 1) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
        return fs.writeSync(fd, buffer, offset, Math.min(length, 100))
      }
    }
    let error: unknown
    try {
      writeCheckpointAtomic(dir, 4, Buffer.alloc(1000, 9), full)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(CheckpointWriteError)
    expect((error as CheckpointWriteError).diskFull).toBe(true)
    expect(fs.readdirSync(dir)).toEqual(['step-000000002.ckpt'])
    expect(fs.readFileSync(earlier.path)).toEqual(Buffer.alloc(1000, 7))
  })

  it('temp files of writes cut short by a kill are cleared before the next run, checkpoints kept', () => {
    const dir = path.join(tempHome(), 'checkpoints', '1')
    const kept = writeCheckpointAtomic(dir, 2, Buffer.alloc(10, 1))
    fs.writeFileSync(path.join(dir, '.step-000000004.ckpt.4242.tmp'), 'half a checkpoint')
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not ours to delete')
    removeUnfinishedWrites(dir)
    expect(fs.readdirSync(dir).sort()).toEqual(['notes.txt', path.basename(kept.path)])
  })
})
