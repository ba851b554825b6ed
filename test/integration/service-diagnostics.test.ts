// A tiny mnist-quick O run through the service and a real trainer process:
// one diagnostics record per evaluation, its confusion matrix counting every
// evaluated image, and runs/diagnostics returning it with the pseudo-label
// counts and sample images.
import { describe, expect, it } from 'vitest'
import { openService, tempHome } from './service-helpers.ts'

describe('diagnostics of a run', () => {
  it('records one per evaluation and the API returns them', async () => {
    const service = openService({ homeDir: tempHome() })
    // the preset's settings (augmentWorkers 1 among them), shortened: 20 steps, evaluated at 10 and 20 on 200 images
    const queued = await service.handlers['queue/add']({ preset: 'mnist-quick', config: { variant: 'O', steps: 20, evalEvery: 10, evalLimit: 200 } })
    const announced: number[] = []
    service.events.on('run/diagnostics', ({ runId, step }) => runId === queued.id && announced.push(step))
    service.start()
    await service.whenIdle()
    expect((await service.handlers['runs/get']({ runId: queued.id })).status).toBe('finished')
    expect(announced).toEqual([10, 20])

    const records = service.store.diagnostics.list(queued.id)
    expect(records.map((r) => r.step)).toEqual([10, 20])
    for (const record of records) {
      expect(record.classes).toBe(10)
      expect(record.confusion.length).toBe(100)
      expect(record.confusion.reduce((a, b) => a + b, 0)).toBe(200)
      // 32 labeled x mu 2 = 64 unlabeled images a step, 10 steps since the evaluation before
      expect(record.pseudoLabels?.steps).toBe(10)
      expect(record.pseudoLabels!.histogram.reduce((a, b) => a + b, 0)).toBe(640)
      record.pseudoLabels!.passed.forEach((kept, c) => expect(kept).toBeLessThanOrEqual(record.pseudoLabels!.histogram[c]))
    }

    const latest = await service.handlers['runs/diagnostics']({ runId: queued.id })
    expect(latest.classNames).toHaveLength(10)
    expect(latest.steps).toEqual([10, 20])
    expect(latest.step).toBe(20)
    expect(latest.confusion).toHaveLength(10)
    expect(latest.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(200)
    const wrong = latest.confusion!.flat().reduce((a, b) => a + b, 0) - latest.confusion!.reduce((a, row, c) => a + row[c], 0)
    expect(latest.classAccuracy.values).toHaveLength(2)
    expect(latest.classAccuracy.values[1]).toHaveLength(10)
    expect(latest.pseudoLabels?.steps).toEqual([10, 20])
    expect(latest.pseudoLabels!.histogram[1]).toEqual(records[1].pseudoLabels!.histogram)
    expect(latest.unavailable).toBeNull()
    // the misclassified images are wrong ones, as many as kept (8) or as there are
    expect(latest.samples!.misclassified).toHaveLength(Math.min(8, wrong))
    for (const m of latest.samples!.misclassified) {
      expect(m.predicted).not.toBe(m.label)
      expect(m.image).toMatchObject({ width: 28, height: 28, channels: 1 })
      expect(Buffer.from(m.image.pixels, 'base64')).toHaveLength(28 * 28)
    }
    expect(latest.samples!.unlabeled.length).toBeGreaterThan(0)
    for (const u of latest.samples!.unlabeled) expect(u.correct).toBe(u.pseudoLabel === u.label)

    const first = await service.handlers['runs/diagnostics']({ runId: queued.id, step: 10 })
    expect(first.step).toBe(10)
    await expect(service.handlers['runs/diagnostics']({ runId: queued.id, step: 15 })).rejects.toThrow(
      'step: run 1 has no evaluation at step 15 (it has 10, 20)'
    )
  }, 240_000)
})
