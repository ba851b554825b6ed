// What the run page reads beyond the record: the run's events and log lines
// in order (queued, started, pause asked, checkpoint written, paused), its
// checkpoints, and its bundle as a download that imports like the CLI's.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { COMMANDS } from '../../src/shared/api.ts'
import { checkpointDir, importRunBundle } from '../../src/main/service/index.ts'
import { writeCheckpointAtomic } from '../../src/main/checkpoint/files.ts'
import { serializeState } from '../../src/main/checkpoint/format.ts'
import { fakeLauncher, openService, STARTED, tempHome, tinyConfig, waitForStatus } from './service-helpers.ts'

async function pausedByHand() {
  const home = tempHome()
  const launcher = fakeLauncher()
  const service = openService({ homeDir: home, launcher })
  const config = tinyConfig({ seed: 5 })
  const runId = (await service.handlers['queue/add']({ config })).id
  service.start()
  await waitForStatus(service, runId, ['running'])
  const trainer = launcher.trainers[0]
  trainer.report({ ...STARTED, device: 'a test CPU', splitHash: 'feedfacefeedface' })
  trainer.report({ type: 'log', level: 'info', message: 'labeled split: 40 images, 4 per class' })
  trainer.report({ type: 'metrics', step: 4, values: { loss: 1.75 } })
  await service.handlers['queue/pause']({ runId })
  const state = serializeState({
    format: 'fixmatch-lab-state/1',
    step: 4,
    config: { ...tinyConfig(), seed: 5 },
    splitHash: 'feedfacefeedface',
    trainSeconds: 1,
    tensors: { params: {}, buffers: {}, ema: {}, momentum: {} }
  })
  const written = writeCheckpointAtomic(checkpointDir(home, runId), 4, state)
  trainer.report({ type: 'checkpoint', step: 4, ...written, trainSeconds: 1, splitHash: 'feedfacefeedface' })
  trainer.report({ type: 'paused', step: 4, trainSeconds: 1 })
  trainer.exit(0)
  await waitForStatus(service, runId, ['paused'])
  return { service, runId, home, written }
}

describe('the run page commands', () => {
  it("runs/events lists the run's status history, checkpoints and the trainer's log lines in order", async () => {
    const { service, runId } = await pausedByHand()
    const events = await service.handlers['runs/events']({ runId })
    expect(COMMANDS['runs/events'].response.safeParse(events).error).toBeUndefined()
    const said = events.map((event) => `${event.kind}: ${event.message}`)
    const order = [
      /^status: queued: variant O, seed 5/,
      /^status: started on wasm \(a test CPU\), split feedfacefeedface/,
      /^trainer: labeled split: 40 images, 4 per class/,
      /^status: pause asked/,
      /^checkpoint: checkpoint at step 4/,
      /^status: paused at step 4 \(checkpointed\)/
    ]
    const at = order.map((pattern) => said.findIndex((line) => pattern.test(line)))
    expect(
      at.every((i) => i >= 0),
      said.join('\n')
    ).toBe(true)
    expect([...at].sort((a, b) => a - b)).toEqual(at)
    expect(events.find((event) => event.kind === 'checkpoint')?.data).toMatchObject({ step: 4 })
    expect(Number.isNaN(Date.parse(events[0]!.time))).toBe(false)
    // paging forward returns only what is newer
    const last = events.at(-1)!
    expect(await service.handlers['runs/events']({ runId, afterId: last.id })).toEqual([])
    expect(await service.handlers['runs/events']({ runId, limit: 2 })).toEqual(events.slice(-2))
    await expect(service.handlers['runs/events']({ runId: 999 })).rejects.toThrow(/no run with id 999/)
  })

  it('runs/checkpoints lists the kept checkpoints and says when a file is gone', async () => {
    const { service, runId, written } = await pausedByHand()
    const checkpoints = await service.handlers['runs/checkpoints']({ runId })
    expect(checkpoints).toEqual([{ step: 4, bytes: written.bytes, sha256: written.sha256, createdAt: expect.any(String), present: true }])
    fs.rmSync(written.path)
    expect((await service.handlers['runs/checkpoints']({ runId }))[0]!.present).toBe(false)
  })

  it('runs/bundle hands over the bundle `export --format bundle` writes, which imports into another home', async () => {
    const { service, runId } = await pausedByHand()
    const bundle = await service.handlers['runs/bundle']({ runId })
    expect(bundle).toMatchObject({ fileName: `run-${runId}.fixmatch-run.tar`, checkpointStep: 4 })
    const bytes = Buffer.from(bundle.base64, 'base64')
    expect(bytes.length).toBe(bundle.bytes)
    const home = tempHome()
    const file = path.join(home, bundle.fileName)
    fs.writeFileSync(file, bytes)
    const target = openService({ homeDir: home, launcher: fakeLauncher() })
    const imported = await importRunBundle(target.store, home, file)
    expect(imported).toMatchObject({ status: 'paused', step: 4, seed: 5, splitHash: 'feedfacefeedface' })
  })
})
