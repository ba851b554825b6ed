// An experiment's ETA in the queue view accounts for the slots: queued runs
// take the next free slot in queue order at the speed measured so far.
import { describe, expect, it } from 'vitest'
import type { Progress } from '../../../src/shared/api.ts'
import { experimentEtas } from '../../../src/renderer/src/queue/experiment-eta.ts'
import { makeRun } from './fake-lab.ts'

const progress = (runId: number, step: number, totalSteps: number, etaSeconds: number): Progress => ({
  runId,
  step,
  totalSteps,
  etaSeconds,
  imagesPerSecond: 100
})

describe('experimentEtas', () => {
  // two running runs at 1 s per step, 100 and 50 steps left; four queued runs of 100 steps
  const running = [makeRun({ id: 1, status: 'running', step: 0, totalSteps: 100 }), makeRun({ id: 2, status: 'running', step: 50, totalSteps: 100 })]
  const queued = [3, 4, 5, 6].map((id) => makeRun({ id, status: 'queued', step: 0, totalSteps: 100, queuePosition: id }))
  const seen = new Map([
    [1, progress(1, 0, 100, 100)],
    [2, progress(2, 50, 100, 50)]
  ])

  it('one slot: every run after the other', () => {
    // the two running (a lowered slot count stops none) hold until 100; then 4 x 100 one by one
    expect(experimentEtas([...running, ...queued], seen, 1)).toEqual([{ experimentId: 1, runsLeft: 6, seconds: 500, held: 0 }])
  })

  it('two slots: the queued runs fill the slot that frees first', () => {
    // slot A free at 100, slot B at 50: B 150, A 200, B 250, A 300
    expect(experimentEtas([...running, ...queued], seen, 2)[0].seconds).toBe(300)
  })

  it('four slots: two queued start now, two when the running ones end', () => {
    // free at 100, 50, 0, 0: 100, 100, 150, 200
    expect(experimentEtas([...running, ...queued], seen, 4)[0].seconds).toBe(200)
  })

  it('per experiment, queue order across experiments, paused runs left out and counted', () => {
    const other = [7, 8].map((id) => makeRun({ id, experimentId: 2, status: 'queued', step: 0, totalSteps: 100, queuePosition: 10 + id }))
    const held = makeRun({ id: 9, experimentId: 2, status: 'paused', step: 10, totalSteps: 100, queuePosition: 20 })
    const etas = experimentEtas([...running, ...queued, ...other, held], seen, 2)
    expect(etas).toEqual([
      { experimentId: 1, runsLeft: 6, seconds: 300, held: 0 },
      // behind experiment 1's runs: B 350, A 400
      { experimentId: 2, runsLeft: 2, seconds: 400, held: 1 }
    ])
  })

  it('unknown until a running run has measured its speed', () => {
    expect(experimentEtas([...running, ...queued], new Map(), 2)[0].seconds).toBeUndefined()
  })
})
