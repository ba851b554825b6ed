// Runs on the webgpu backend through the service and real trainer processes
// (CI: lavapipe): a few dozen steps recorded with the adapter as provenance,
// pause and resume ending on the uninterrupted run's weights, and a batch too
// large for the adapter failing with the reason (a smaller one then trains).
import { describe, expect, it } from 'vitest'
import type { TrainingState } from '../../src/main/checkpoint/format.ts'
import { checkpointState, deterministicMetrics, openService, tappedLauncher, tempHome, tinyConfig, waitForStatus } from './service-helpers.ts'
import { webGpuAvailability } from '../helpers/webgpu.ts'

const gpu = await webGpuAvailability()

const webgpuConfig = () => tinyConfig({ backend: 'webgpu', steps: 24, logEvery: 4, evalEvery: 12, checkpointEvery: 6, evalLimit: 100 })

function expectSameWeights(actual: TrainingState, expected: TrainingState): void {
  expect(actual.step).toBe(expected.step)
  for (const group of ['params', 'buffers', 'ema', 'momentum'] as const) {
    for (const [name, entry] of Object.entries(expected.tensors[group])) {
      const a = actual.tensors[group][name].values
      expect(
        Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(entry.values.buffer, entry.values.byteOffset, entry.values.byteLength)),
        `${group} ${name}`
      ).toBe(true)
    }
  }
}

describe.skipIf(!gpu.available)('runs on webgpu through the trainer process', () => {
  let reference: { state: TrainingState; metrics: Record<string, number> }

  it('trains 24 steps: metrics, evaluations, checkpoints, and the adapter in the run provenance', async () => {
    const service = openService({ homeDir: tempHome() })
    const queued = await service.handlers['queue/add']({ config: webgpuConfig() })
    service.start()
    await service.whenIdle()
    const run = await service.handlers['runs/get']({ runId: queued.id })
    expect(run.status).toBe('finished')
    expect(run.step).toBe(24)
    expect(run.backend).toBe('webgpu')
    // vendor, architecture, device, description, driver and the two limits, in the stored device
    expect(run.device).toMatch(/^WebGPU (SOFTWARE|hardware) adapter .+maxBufferSize \d+, maxStorageBufferBindingSize \d+\)$/)
    const series = await service.handlers['runs/series']({ runId: run.id, names: ['loss', 'maskRate', 'eval/top1'] })
    expect(series.loss.map((p) => p.step)).toEqual([4, 8, 12, 16, 20, 24])
    expect(series.loss.every((p) => Number.isFinite(p.value) && p.value > 0)).toBe(true)
    expect(series['eval/top1'].map((p) => p.step)).toEqual([12, 24])
    expect(service.store.checkpoints.list(run.id).map((c) => c.step)).toEqual([24, 18, 12])
    reference = { state: checkpointState(service, run.id), metrics: deterministicMetrics(service, run.id) }
  })

  it('pauses mid-run and resumes in a new trainer process to the same weights and metrics', async () => {
    let runId = 0
    let asked = false
    const service: ReturnType<typeof openService> = openService({
      homeDir: tempHome(),
      launcher: tappedLauncher((message) => {
        if (message.type === 'checkpoint' && message.step === 6 && !asked) {
          asked = true
          void service.handlers['queue/pause']({ runId })
        }
      })
    })
    runId = (await service.handlers['queue/add']({ config: webgpuConfig() })).id
    service.start()
    await waitForStatus(service, runId, ['paused'], 300_000)
    const paused = service.store.runs.require(runId)
    expect(paused.step).toBeGreaterThanOrEqual(6)
    expect(paused.step).toBeLessThan(24)
    await service.whenIdle()
    await service.handlers['queue/resume']({ runId })
    await waitForStatus(service, runId, ['finished'], 300_000)
    expectSameWeights(checkpointState(service, runId), reference.state)
    expect(deterministicMetrics(service, runId)).toEqual(reference.metrics)
  })

  it('a batch too large for the adapter fails with the reason; a smaller batch then trains', async () => {
    const service = openService({ homeDir: tempHome() })
    const big = await service.handlers['queue/add']({ config: tinyConfig({ backend: 'webgpu', model: 'wrn-28-2', batchSize: 256, mu: 7, steps: 2 }) })
    service.start()
    await waitForStatus(service, big.id, ['failed'], 300_000)
    expect(service.store.runs.require(big.id).error).toMatch(/batchSize 256 with mu 7 .*maxStorageBufferBindingSize is [\d.]+ MiB.*lower batchSize or mu/)
    const small = await service.handlers['queue/add']({ config: tinyConfig({ backend: 'webgpu', steps: 2, evalEvery: 2, logEvery: 2 }) })
    await waitForStatus(service, small.id, ['finished'], 300_000)
  })
})
