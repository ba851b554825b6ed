// Shared by the training-loop tests of every backend: a small MNIST sample, a
// tiny config with the presets' own system settings (augmentWorkers 1), and
// the check that a paused and resumed run equals an uninterrupted one.
import { expect } from 'vitest'
import { resolveConfig, type RunConfig } from '../../src/shared/config.ts'
import { train, type Metrics } from '../../src/main/trainer/loop.ts'
import type { SslMethod } from '../../src/main/trainer/methods/index.ts'
import { deserializeState, serializeState, type TrainingState } from '../../src/main/checkpoint/format.ts'
import type { Dataset } from '../../src/main/data/types.ts'

/** Every class of MNIST in a few hundred images (its digits are stored class by class), so steps take milliseconds. */
export function smallDataset(full: Dataset, trainCount = 600, testCount = 100): Dataset {
  const size = full.height * full.width * full.channels
  const take = (set: Dataset['train'], n: number) => {
    const stride = Math.floor(set.count / n)
    const images = new Uint8Array(n * size)
    const labels = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      images.set(set.images.subarray(i * stride * size, (i * stride + 1) * size), i * size)
      labels[i] = set.labels[i * stride]
    }
    return { images, labels, count: n }
  }
  return { ...full, train: take(full.train, trainCount), test: take(full.test, testCount) }
}

/** Six steps of a small CNN; the system keys (augmentWorkers) stay the schema's defaults, as a user gets them. */
export function tinyTrainingConfig(backend: RunConfig['backend'], overrides: Partial<RunConfig> = {}): RunConfig {
  return resolveConfig({
    dataset: 'mnist',
    model: 'small-cnn',
    backend,
    labelsPerClass: 2,
    batchSize: 4,
    mu: 2,
    steps: 6,
    evalEvery: 3,
    logEvery: 2,
    checkpointEvery: 3,
    evalBatchSize: 50,
    threshold: 0.5,
    ...overrides
  })
}

/**
 * Trains the config whole, then paused after 3 steps (through checkpoint bytes)
 * and resumed: the pause lands after the step in flight, and the resumed run's
 * metrics and every tensor group (the method's state included) equal the
 * uninterrupted run's. `method`: a method the registry does not hold, trained in its place.
 */
export async function expectPauseResumeEqualsWhole(config: RunConfig, dataset: Dataset, method?: SslMethod): Promise<TrainingState> {
  const collect = () => {
    const metrics: [number, Metrics][] = []
    let last: TrainingState | undefined
    return {
      metrics,
      last: () => last!,
      hooks: { onMetrics: (s: number, m: Metrics) => metrics.push([s, m]), onCheckpoint: (st: TrainingState) => void (last = st) }
    }
  }
  const whole = collect()
  await train(config, dataset, { hooks: whole.hooks, method })

  const first = collect()
  let steps = 0
  const paused = await train(config, dataset, {
    hooks: { ...first.hooks, onProgress: () => void steps++, control: () => (steps >= 3 ? 'pause' : undefined) },
    method
  })
  expect(paused.status).toBe('paused')
  // "pause within one step": the step that was in flight is finished, nothing after it
  expect(paused.step).toBe(3)
  // through bytes, as a checkpoint file would be
  const state = deserializeState(serializeState(first.last()))
  expect(state.step).toBe(3)
  const second = collect()
  const resumed = await train(config, dataset, { hooks: second.hooks, resumeFrom: state, method })
  expect(resumed.status).toBe('finished')

  const strip = (m: Metrics) => Object.fromEntries(Object.entries(m).filter(([k]) => !/Seconds|imagesPerSecond/.test(k)))
  expect(second.metrics.map(([s, m]) => [s, strip(m)])).toEqual(whole.metrics.filter(([s]) => s > 3).map(([s, m]) => [s, strip(m)]))
  for (const group of ['params', 'buffers', 'ema', 'momentum', 'method'] as const) {
    const a = whole.last().tensors[group] ?? {}
    const b = second.last().tensors[group] ?? {}
    expect(Object.keys(b), group).toEqual(Object.keys(a))
    for (const name of Object.keys(a)) expect(Array.from(b[name].values), `${group} ${name}`).toEqual(Array.from(a[name].values))
  }
  return state
}
