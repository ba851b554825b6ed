// The service with real trainer processes: a run end to end, pause and
// resume, a trainer killed with SIGKILL, a service restart, and damaged
// checkpoints. Each continued run must end with the same weights and the same
// metrics as one uninterrupted run of the same config.
import fs from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { RunStatus } from '../../src/shared/api.ts'
import { checkpointFileIsValid, openStore } from '../../src/main/store/index.ts'
import type { TrainingState } from '../../src/main/checkpoint/format.ts'
import {
  checkpointState,
  closeService,
  deterministicMetrics,
  expectSameWeights,
  openService,
  tappedLauncher,
  tempHome,
  tinyConfig,
  waitForStatus
} from './service-helpers.ts'

interface Reference {
  finalState: TrainingState
  metrics: Record<string, number>
}

let reference: Reference

/** Statuses the run passes through, from the service's events. */
function statusTrail(service: ReturnType<typeof openService>, runId: number): RunStatus[] {
  const trail: RunStatus[] = []
  service.events.on('run/status', ({ run }) => {
    if (run.id === runId && trail[trail.length - 1] !== run.status) trail.push(run.status)
  })
  return trail
}

describe('runs through the trainer process', () => {
  beforeAll(async () => {
    // one uninterrupted run: the end-to-end case, and the reference for every continued run
    const service = openService({ homeDir: tempHome() })
    const run = await service.handlers['queue/add']({ config: tinyConfig() })
    service.start()
    await service.whenIdle()
    reference = { finalState: checkpointState(service, run.id), metrics: deterministicMetrics(service, run.id) }
  })

  it('trains a queued run to the end: status, provenance, metrics, summary and the last 3 checkpoints recorded', async () => {
    const home = tempHome()
    const service = openService({ homeDir: home })
    const queued = await service.handlers['queue/add']({ config: tinyConfig() })
    expect(queued.status).toBe('queued')
    const trail = statusTrail(service, queued.id)
    const metricEvents: number[] = []
    const eventTimes = new Map<number, number | undefined>()
    service.events.on('run/metrics', ({ runId, step, values, time }) => {
      if (runId !== queued.id) return
      metricEvents.push(step)
      // an evaluation at the same step is an event of its own, recorded a moment later
      if ('loss' in values) eventTimes.set(step, time)
    })
    service.start()
    await service.whenIdle()

    const run = await service.handlers['runs/get']({ runId: queued.id })
    expect(trail).toEqual(['running', 'finished'])
    expect(run.status).toBe('finished')
    expect(run.step).toBe(8)
    expect(run.trainSeconds).toBeGreaterThan(0)
    expect(run.backend).toBe('wasm')
    expect(run.device).toMatch(/WebAssembly/)
    expect(run.splitHash).toMatch(/^[0-9a-f]{16}$/)
    expect(run.appVersion).toMatch(/^\d+\.\d+\.\d+/)
    expect(run.libraryVersions).toMatchObject({ tfjs: expect.any(String), node: process.versions.node })
    expect(run.os).toBeTruthy()
    expect(run.startedAt).not.toBeNull()
    expect(run.finishedAt).not.toBeNull()
    expect(run.queuePosition).toBeNull()
    expect(run.summary['eval/top1'].lastStep).toBe(8)
    expect(run.summary.loss.lastStep).toBe(8)
    expect(metricEvents).toContain(8)

    const series = await service.handlers['runs/series']({ runId: run.id, names: ['loss', 'eval/top1'] })
    expect(series.loss.map((p) => p.step)).toEqual([2, 4, 6, 8])
    expect(series['eval/top1'].map((p) => p.step)).toEqual([4, 8])
    // an event carries the time its values were recorded at, the one the series gives
    expect(series.loss.map((p) => eventTimes.get(p.step))).toEqual(series.loss.map((p) => p.time))
    expect(series.loss.every((p) => typeof p.time === 'number')).toBe(true)
    // the record's results: the last and best of the two evaluations, and their median (of both: fewer than 20)
    const top1 = series['eval/top1'].map((p) => p.value)
    expect(run.results).toEqual({ final: top1[1], best: Math.max(...top1), medianLast20: { value: (top1[0]! + top1[1]!) / 2, n: 2 } })

    const checkpoints = service.store.checkpoints.list(run.id)
    expect(checkpoints.map((c) => c.step)).toEqual([8, 6, 4])
    expect(fs.readdirSync(`${home}/checkpoints/${run.id}`).sort()).toEqual(['step-000000004.ckpt', 'step-000000006.ckpt', 'step-000000008.ckpt'])
    // two processes, one config: the same weights and metrics
    expectSameWeights(checkpointState(service, run.id), reference.finalState)
    expect(deterministicMetrics(service, run.id)).toEqual(reference.metrics)
  })

  it('pauses mid-run with a checkpoint, then resumes to the same weights and metrics as an uninterrupted run', async () => {
    let runId = 0
    let asked = false
    const service = openService({
      homeDir: tempHome(),
      launcher: tappedLauncher((message) => {
        if (message.type === 'checkpoint' && message.step === 2 && !asked) {
          asked = true
          void service.handlers['queue/pause']({ runId })
        }
      })
    })
    runId = (await service.handlers['queue/add']({ config: tinyConfig() })).id
    const trail = statusTrail(service, runId)
    service.start()
    await waitForStatus(service, runId, ['paused'])
    const paused = service.store.runs.require(runId)
    expect(paused.step).toBeGreaterThanOrEqual(2)
    expect(paused.step).toBeLessThan(8)
    // the pause wrote a checkpoint at the step it stopped
    expect(service.store.checkpoints.list(runId)[0].step).toBe(paused.step)
    expect(paused.queuePosition).not.toBeNull()
    await service.whenIdle()

    await service.handlers['queue/resume']({ runId })
    await waitForStatus(service, runId, ['finished'])
    expect(trail).toEqual(['running', 'paused', 'queued', 'running', 'finished'])
    const run = service.store.runs.require(runId)
    expect(run.step).toBe(8)
    expect(run.trainSeconds).toBeGreaterThan(0)
    expectSameWeights(checkpointState(service, runId), reference.finalState)
    expect(deterministicMetrics(service, runId)).toEqual(reference.metrics)
  })

  it('a trainer killed with SIGKILL just after a checkpoint: interrupted, resumed at once, same end as uninterrupted', async () => {
    let killedPid: number | undefined
    const service = openService({
      homeDir: tempHome(),
      autoResume: true,
      launcher: tappedLauncher((message, handle, launch) => {
        if (launch === 1 && message.type === 'checkpoint' && message.step === 4) {
          killedPid = handle.pid
          process.kill(handle.pid!, 'SIGKILL')
        }
      })
    })
    const runId = (await service.handlers['queue/add']({ config: tinyConfig() })).id
    const trail = statusTrail(service, runId)
    const logs: string[] = []
    service.events.on('log', (line) => line.runId === runId && logs.push(line.message))
    service.start()
    await service.whenIdle()

    expect(killedPid).toBeDefined()
    expect(trail).toEqual(['running', 'interrupted', 'queued', 'running', 'finished'])
    expect(logs.some((line) => /SIGKILL/.test(line))).toBe(true)
    // step 4, unless the trainer got a later checkpoint out before the kill landed
    expect(logs.some((line) => /resumed from the checkpoint at step [4-7] /.test(line))).toBe(true)
    expectSameWeights(checkpointState(service, runId), reference.finalState)
    expect(deterministicMetrics(service, runId)).toEqual(reference.metrics)
  })

  it('a run left "running" by a dead service becomes interrupted at the next start and is resumed from its checkpoint', async () => {
    const home = tempHome()
    let runId = 0
    const first = openService({
      homeDir: home,
      launcher: tappedLauncher((message) => {
        if (message.type === 'checkpoint' && message.step === 2) void first.handlers['queue/pause']({ runId })
      })
    })
    runId = (await first.handlers['queue/add']({ config: tinyConfig() })).id
    first.start()
    await waitForStatus(first, runId, ['paused'])
    await closeService(first)
    // what a service killed mid-run leaves behind: the run marked running
    const store = openStore(home)
    store.queue.setStatus(runId, 'running')
    store.close()

    const second = openService({ homeDir: home, autoResume: true })
    const recovered = second.store.runs.require(runId)
    expect(recovered.status).toBe('queued')
    const said = second.store.events.list({ runId }).map((e) => e.message)
    expect(said.some((m) => /interrupted: the previous lab service stopped/.test(m))).toBe(true)
    second.start()
    await second.whenIdle()
    expect(second.store.runs.require(runId).status).toBe('finished')
    expectSameWeights(checkpointState(second, runId), reference.finalState)
    expect(deterministicMetrics(second, runId)).toEqual(reference.metrics)
  })

  it('a truncated last checkpoint and a damaged one before it: falls back to the last valid one, and says so', async () => {
    // killed right after the checkpoint at step 6 (a pause would land at a step that depends on timing): checkpoints 6, 4, 2 kept
    const service = openService({
      homeDir: tempHome(),
      launcher: tappedLauncher((message, handle, launch) => {
        if (launch === 1 && message.type === 'checkpoint' && message.step === 6) process.kill(handle.pid!, 'SIGKILL')
      })
    })
    const runId = (await service.handlers['queue/add']({ config: tinyConfig() })).id
    service.start()
    await waitForStatus(service, runId, ['interrupted'])
    await service.whenIdle()
    const checkpoints = service.store.checkpoints.list(runId)
    expect(checkpoints).toHaveLength(3)
    const [newest, second, oldest] = checkpoints
    fs.truncateSync(newest.path, Math.floor(newest.bytes / 2))
    // same size, other bytes: only the sha256 can tell
    const bytes = fs.readFileSync(second.path)
    bytes[bytes.length - 5] ^= 0xff
    fs.writeFileSync(second.path, bytes)
    const warnings: string[] = []
    service.events.on('log', (line) => line.runId === runId && line.level === 'warn' && warnings.push(line.message))

    await service.handlers['queue/resume']({ runId })
    await waitForStatus(service, runId, ['finished'])
    expect(warnings.some((w) => w.includes(`step ${newest.step} is unusable (truncated`))).toBe(true)
    expect(warnings.some((w) => w.includes(`step ${second.step} is unusable (its sha256`))).toBe(true)
    const said = service.store.events.list({ runId }).map((e) => e.message)
    expect(said.some((m) => m.startsWith(`resumed from the checkpoint at step ${oldest.step} on wasm`))).toBe(true)
    // the broken records went with their files; every record left points at a file that checks out
    const left = service.store.checkpoints.list(runId)
    expect(left.map((c) => c.step)).toEqual([8, 6, 4])
    expect(left.every((c) => checkpointFileIsValid(c, 'sha256'))).toBe(true)
    expectSameWeights(checkpointState(service, runId), reference.finalState)
    expect(deterministicMetrics(service, runId)).toEqual(reference.metrics)
  })

  it('no checkpoint left at all: restarts from step 0 with a warning, and still ends like an uninterrupted run', async () => {
    const service = openService({
      homeDir: tempHome(),
      launcher: tappedLauncher((message, handle, launch) => {
        if (launch === 1 && message.type === 'checkpoint' && message.step === 4) process.kill(handle.pid!, 'SIGKILL')
      })
    })
    const runId = (await service.handlers['queue/add']({ config: tinyConfig() })).id
    service.start()
    await waitForStatus(service, runId, ['interrupted'])
    await service.whenIdle()
    expect(service.store.metrics.summary(runId).loss.lastStep).toBeGreaterThanOrEqual(4)
    for (const checkpoint of service.store.checkpoints.list(runId)) fs.rmSync(checkpoint.path)

    await service.handlers['queue/resume']({ runId })
    await waitForStatus(service, runId, ['finished'])
    const said = service.store.events.list({ runId }).map((e) => e.message)
    expect(said.some((m) => /restarting this run from step 0/.test(m))).toBe(true)
    expectSameWeights(checkpointState(service, runId), reference.finalState)
    expect(deterministicMetrics(service, runId)).toEqual(reference.metrics)
  })
})
