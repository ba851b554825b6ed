// The loop's diagnostics hook on the wasm backend: one per evaluation, the
// pseudo-label counts of exactly the steps since the evaluation before, and a
// run that takes them trains bit for bit as one that does not.
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../../src/main/trainer/backend.ts'
import { train, type Metrics } from '../../src/main/trainer/loop.ts'
import type { TrainingState } from '../../src/main/checkpoint/format.ts'
import type { EvalDiagnostics } from '../../src/main/trainer/diagnostics.ts'
import { loadMnist } from '../../src/main/data/mnist.ts'
import type { Dataset } from '../../src/main/data/types.ts'
import { smallDataset, tinyTrainingConfig } from '../helpers/training.ts'

let mnist: Dataset

beforeAll(async () => {
  await initBackend('wasm')
  mnist = smallDataset(await loadMnist())
})

describe('diagnostics of the training loop', () => {
  it.each(['S', 'O', 'FreeMatch'] as const)(
    'variant %s: one per evaluation, and the run trains as without them',
    async (variant) => {
      const config = tinyTrainingConfig('wasm', { variant })
      const runWith = async (withDiagnostics: boolean) => {
        const metrics: [number, Metrics][] = []
        const diagnostics: [number, EvalDiagnostics][] = []
        let last: TrainingState | undefined
        await train(config, mnist, {
          hooks: {
            onMetrics: (s, m) => metrics.push([s, m]),
            onCheckpoint: (state) => void (last = state),
            ...(withDiagnostics ? { onDiagnostics: (s: number, d: EvalDiagnostics) => diagnostics.push([s, d]) } : {})
          }
        })
        // the timings differ from run to run; every measured value and tensor must not
        const strip = (m: Metrics) => Object.fromEntries(Object.entries(m).filter(([k]) => !/Seconds|imagesPerSecond/.test(k)))
        return { metrics: metrics.map(([s, m]) => [s, strip(m)]), diagnostics, tensors: last!.tensors }
      }
      const before = tf.memory().numTensors
      const plain = await runWith(false)
      const watched = await runWith(true)
      expect(tf.memory().numTensors).toBe(before)
      expect(watched.metrics).toEqual(plain.metrics)
      for (const group of ['params', 'buffers', 'ema', 'momentum', 'method'] as const) {
        const a = plain.tensors[group] ?? {}
        const b = watched.tensors[group] ?? {}
        expect(Object.keys(b), group).toEqual(Object.keys(a))
        for (const name of Object.keys(a)) expect(Array.from(b[name].values), `${group} ${name}`).toEqual(Array.from(a[name].values))
      }

      expect(watched.diagnostics.map(([step]) => step)).toEqual([3, 6])
      for (const [, d] of watched.diagnostics) {
        expect(d.confusion.classes).toBe(10)
        expect(d.confusion.counts.reduce((a, b) => a + b, 0)).toBe(100) // the small set's 100 test images
        d.misclassified.forEach((m) => expect(m.predicted).not.toBe(m.label))
        expect(d.unlabeled.length).toBeGreaterThan(0)
        if (variant === 'S') expect(d.pseudoLabels).toBeUndefined()
        else {
          // 3 steps since the evaluation before, batchSize 4 x mu 2 unlabeled images each
          expect(d.pseudoLabels!.steps).toBe(3)
          expect(d.pseudoLabels!.histogram.reduce((a, b) => a + b, 0)).toBe(24)
          d.pseudoLabels!.passed.forEach((kept, c) => expect(kept).toBeLessThanOrEqual(d.pseudoLabels!.histogram[c]))
        }
      }
    },
    120_000
  )
})
