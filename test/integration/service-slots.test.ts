// Slots: the service trains several runs at once (one per core on a CPU
// backend by default), each in its own trainer, and each ends exactly as it
// would have trained alone; pause and cancel act on one run and leave the
// others training; the slots come from --slots, <home>/settings.json or the
// default, and a bad value is refused naming the field.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultSlots } from '../../src/main/service/slots.ts'
import { SettingsFileError } from '../../src/main/service/settings-file.ts'
import { LabService } from '../../src/main/service/index.ts'
import {
  checkpointState,
  deterministicMetrics,
  expectSameWeights,
  fakeLauncher,
  openService,
  slowConfig,
  STARTED,
  tempHome,
  tinyConfig,
  waitForStatus,
  waitUntil
} from './service-helpers.ts'

const cores = os.availableParallelism()

describe('the default slots', () => {
  it('one per core on a CPU backend, one on a GPU, one while no trainer has reported a backend', () => {
    expect(defaultSlots('wasm', 2).slots).toBe(2)
    expect(defaultSlots('cpu', 8).slots).toBe(8)
    expect(defaultSlots('node-gpu', 8).slots).toBe(1)
    expect(defaultSlots('webgpu', 8).slots).toBe(1)
    expect(defaultSlots(undefined, 8).slots).toBe(1)
  })

  it('a service opened as the CLI and the app open it: one per core for a wasm run, source "default"', async () => {
    const service = openService({ homeDir: tempHome(), slots: undefined })
    await service.handlers['queue/add']({ config: tinyConfig() })
    const view = await service.handlers['settings/get']()
    expect(view).toMatchObject({ slots: cores, source: 'default', saved: null, defaultSlots: cores, running: 0 })
    expect(service.slots).toBe(cores)
  })

  it('auto backend: one run until its trainer reports a CPU backend, then the rest start beside it', async () => {
    const launcher = fakeLauncher()
    const service = openService({ homeDir: tempHome(), slots: undefined, launcher })
    for (const seed of [1, 2]) await service.handlers['queue/add']({ config: tinyConfig({ backend: 'auto', seed }) })
    service.start()
    expect(service.runningRunIds).toHaveLength(1)
    launcher.trainers[0].report(STARTED)
    expect(service.runningRunIds).toHaveLength(Math.min(2, cores))
  })

  it('a home whose trainers reported a GPU: one slot', async () => {
    const launcher = fakeLauncher()
    const service = openService({ homeDir: tempHome(), slots: undefined, launcher })
    for (const seed of [1, 2]) await service.handlers['queue/add']({ config: tinyConfig({ backend: 'auto', seed }) })
    service.start()
    launcher.trainers[0].report({ ...STARTED, backend: 'node-gpu', device: 'test GPU' })
    expect(service.runningRunIds).toHaveLength(1)
    expect((await service.handlers['settings/get']()).defaultReason).toMatch(/GPU/)
  })
})

describe('the settings file', () => {
  it('settings/set saves the slots (keeping keys it does not know), applies them at once, and a new service reads them', async () => {
    const home = tempHome()
    fs.writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ theme: 'dark' }))
    const launcher = fakeLauncher()
    const service = openService({ homeDir: home, launcher })
    for (const seed of [1, 2, 3]) await service.handlers['queue/add']({ config: tinyConfig({ seed }) })
    service.start()
    expect(service.runningRunIds).toHaveLength(1)
    const view = await service.handlers['settings/set']({ slots: 3 })
    expect(view).toMatchObject({ slots: 3, source: 'file', saved: 3 })
    // the two waiting runs start at once beside the first
    expect(service.runningRunIds).toHaveLength(3)
    expect(JSON.parse(fs.readFileSync(path.join(home, 'settings.json'), 'utf8'))).toEqual({ theme: 'dark', slots: 3 })
    await service.close({ pauseRunning: false })

    const again = LabService.open({ homeDir: home })
    try {
      expect(await again.handlers['settings/get']()).toMatchObject({ slots: 3, source: 'file', saved: 3 })
    } finally {
      await again.close({ pauseRunning: false })
    }
    // --slots of a process wins over the file
    const flagged = LabService.open({ homeDir: home, slots: 2 })
    try {
      expect(await flagged.handlers['settings/get']()).toMatchObject({ slots: 2, source: 'cli', saved: 3 })
      // back to the default: the key goes, the others stay
      expect(await flagged.handlers['settings/set']({ slots: null })).toMatchObject({ source: 'default', saved: null })
      expect(JSON.parse(fs.readFileSync(path.join(home, 'settings.json'), 'utf8'))).toEqual({ theme: 'dark' })
    } finally {
      await flagged.close({ pauseRunning: false })
    }
  })

  it('a bad value is refused naming the field, and the file is left as it was', async () => {
    const home = tempHome()
    const file = path.join(home, 'settings.json')
    const service = openService({ homeDir: home })
    await service.handlers['settings/set']({ slots: 2 })
    const before = fs.readFileSync(file, 'utf8')
    for (const slots of [0, 1.5, 10_000]) {
      await expect(service.handlers['settings/set']({ slots })).rejects.toMatchObject({ field: 'slots', message: expect.stringMatching(/integer from 1 to/) })
    }
    expect(fs.readFileSync(file, 'utf8')).toBe(before)
    expect(service.slots).toBe(2)
  })

  it('a hand-edited bad file stops the service from opening, with the file and the field named, and is not touched', () => {
    const home = tempHome()
    const file = path.join(home, 'settings.json')
    fs.mkdirSync(home, { recursive: true })
    fs.writeFileSync(file, '{"slots": "four"}')
    let thrown: unknown
    try {
      LabService.open({ homeDir: home }).close({ pauseRunning: false })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(SettingsFileError)
    expect(thrown).toMatchObject({ field: 'slots', file })
    expect((thrown as Error).message).toContain(`${file}: slots: expected an integer from 1 to 256, got "four"`)
    expect(fs.readFileSync(file, 'utf8')).toBe('{"slots": "four"}')
    // refused before the store was opened: nothing created or locked
    expect(fs.readdirSync(home)).toEqual(['settings.json'])
  })
})

describe('runs side by side in real trainers', () => {
  it('two runs train at the same time and each ends identical to the same run trained alone', async () => {
    const configs = [tinyConfig({ seed: 1, steps: 12 }), tinyConfig({ seed: 2, steps: 12 })]

    // one at a time: the reference
    const alone = openService({ homeDir: tempHome(), slots: 1 })
    const aloneIds: number[] = []
    for (const config of configs) aloneIds.push((await alone.handlers['queue/add']({ config })).id)
    let aloneMaxRunning = 0
    alone.events.on('run/progress', () => (aloneMaxRunning = Math.max(aloneMaxRunning, alone.runningRunIds.length)))
    alone.start()
    await alone.whenIdle()
    expect(aloneMaxRunning).toBe(1)

    // the default slots (one per core here): both at once
    const together = openService({ homeDir: tempHome(), slots: undefined })
    const ids: number[] = []
    for (const config of configs) ids.push((await together.handlers['queue/add']({ config })).id)
    expect(together.slots).toBe(cores)
    expect(cores, 'this test needs two cores').toBeGreaterThanOrEqual(2)
    const firstStepAt = new Map<number, number>()
    const finishedAt = new Map<number, number>()
    together.events.on('run/progress', ({ runId, step }) => step > 0 && !firstStepAt.has(runId) && firstStepAt.set(runId, Date.now()))
    together.events.on('run/status', ({ run }) => run.status === 'finished' && finishedAt.set(run.id, Date.now()))
    together.start()
    await together.whenIdle()

    for (const id of ids) expect(together.store.runs.require(id).status).toBe('finished')
    // both had trained a step before either finished: they overlapped in time
    expect(Math.max(...ids.map((id) => firstStepAt.get(id)!))).toBeLessThan(Math.min(...ids.map((id) => finishedAt.get(id)!)))
    ids.forEach((id, i) => {
      expectSameWeights(checkpointState(together, id), checkpointState(alone, aloneIds[i]))
      expect(deterministicMetrics(together, id)).toEqual(deterministicMetrics(alone, aloneIds[i]))
    })
  })

  it('pausing one of two running runs, then cancelling the other, leaves the other training each time', async () => {
    const service = openService({ homeDir: tempHome(), slots: 2 })
    const [a, b] = [
      (await service.handlers['queue/add']({ config: slowConfig({ seed: 1, steps: 24 }) })).id,
      (await service.handlers['queue/add']({ config: slowConfig({ seed: 2, steps: 24 }) })).id
    ]
    const stepOf = new Map<number, number>()
    service.events.on('run/progress', ({ runId, step }) => stepOf.set(runId, step))
    service.start()
    await waitUntil(() => (stepOf.get(a) ?? 0) > 0 && (stepOf.get(b) ?? 0) > 0, 60_000, 'both runs to train a step')

    await service.handlers['queue/pause']({ runId: a })
    const listed = await service.handlers['queue/list']()
    expect(listed.find((r) => r.id === a)?.pending).toBe('pause')
    expect(listed.find((r) => r.id === b)?.pending ?? null).toBeNull()
    await waitForStatus(service, a, ['paused'])
    expect(service.store.runs.require(b).status).toBe('running')
    const bAtPause = stepOf.get(b)!
    await waitUntil(() => stepOf.get(b)! > bAtPause, 60_000, 'the other run to train on')

    // resumed, it takes the free slot beside b; then b is cancelled and a trains on
    await service.handlers['queue/resume']({ runId: a })
    await waitForStatus(service, a, ['running'])
    await service.handlers['queue/cancel']({ runId: b })
    await waitForStatus(service, b, ['cancelled'])
    expect(service.store.runs.require(a).status).toBe('running')
    await waitForStatus(service, a, ['finished'], 120_000)
    expect(service.store.runs.require(a).step).toBe(24)
    expect(service.store.runs.require(b).step).toBeLessThan(24)
  })
})
