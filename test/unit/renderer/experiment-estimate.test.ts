// The editor's time estimate before queueing: measured step times of comparable
// finished runs on the backend in use, laid out on the slots in queue order.
import { describe, expect, it } from 'vitest'
import { resolveConfig, type RunConfig } from '../../../src/shared/config.ts'
import { comparableRuns, estimateExperiment } from '../../../src/renderer/src/editor/estimate.ts'
import { makeRun } from './fake-lab.ts'

const config: RunConfig = resolveConfig({ dataset: 'mnist', model: 'small-cnn', batchSize: 16, mu: 3, steps: 100 })
const run = (variant: 'O' | 'S' | 'L', secondsPerStep: number, overrides: Partial<RunConfig> = {}, backend = 'wasm') =>
  makeRun({ variant, config: { ...config, ...overrides, variant }, trainSeconds: secondsPerStep * 50, step: 50, backend })

describe('estimateExperiment', () => {
  it('uses only finished runs with the same dataset, model, batch and mu on the backend in use', () => {
    const runs = [
      run('O', 1),
      run('O', 9, { batchSize: 64 }),
      run('O', 9, { mu: 7 }),
      run('O', 9, { model: 'wrn-28-2' }),
      run('O', 9, {}, 'node-gpu'),
      makeRun({ variant: 'O', config: { ...config, variant: 'O' }, status: 'failed', trainSeconds: 900, step: 50, backend: 'wasm' }),
      makeRun({ variant: 'O', config: { ...config, variant: 'O' }, trainSeconds: 0, step: 0, backend: 'wasm' })
    ]
    expect(comparableRuns(config, runs, 'wasm')).toEqual([runs[0]])
    // before any trainer reported a backend, every backend's runs count
    expect(comparableRuns(config, runs, null)).toEqual([runs[0], runs[4]])
  })

  it("takes each variant's median step time, times its steps, on one slot the sum", () => {
    const runs = [run('O', 1), run('O', 3), run('O', 2), run('S', 0.5)]
    const e = estimateExperiment({ config, variants: ['S', 'O'], seeds: 3, runs, backend: 'wasm', slots: 1 })
    expect(e).toMatchObject({ known: true, runs: 6, slots: 1, backend: 'wasm' })
    if (!e.known) throw new Error('expected an estimate')
    expect(e.speeds).toEqual([
      { variant: 'S', secondsPerStep: 0.5, runs: 1, borrowed: false },
      { variant: 'O', secondsPerStep: 2, runs: 3, borrowed: false }
    ])
    expect(e.seconds).toBeCloseTo(3 * (0.5 + 2) * 100, 9)
  })

  it('lays the runs on the slots in queue order (seed by seed over the variants), each on the next free slot', () => {
    const runs = [run('O', 2), run('S', 1)]
    // S1 -> a (100), O1 -> b (200), S2 -> a (200), O2 -> a or b at 200 (400): the last run ends at 400
    const two = estimateExperiment({ config, variants: ['S', 'O'], seeds: 2, runs, backend: 'wasm', slots: 2 })
    expect(two.known && two.seconds).toBe(400)
    // as many slots as runs: the slowest run alone
    const four = estimateExperiment({ config, variants: ['S', 'O'], seeds: 2, runs, backend: 'wasm', slots: 4 })
    expect(four.known && four.seconds).toBe(200)
  })

  it("borrows another variant's speed when this one never finished here, and says so", () => {
    const e = estimateExperiment({ config, variants: ['L'], seeds: 1, runs: [run('O', 2)], backend: 'wasm', slots: 1 })
    expect(e.known && e.speeds).toEqual([{ variant: 'L', secondsPerStep: 2, runs: 1, borrowed: true }])
  })

  it('says why there is no estimate when no comparable run finished', () => {
    const e = estimateExperiment({ config, variants: ['O'], seeds: 2, runs: [run('O', 2, {}, 'cpu')], backend: 'wasm', slots: 2 })
    expect(e).toEqual({ known: false, runs: 2, slots: 2, reason: 'no finished run of mnist, small-cnn, batch 16, mu 3 on wasm to measure a step yet' })
  })
})
