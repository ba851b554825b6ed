import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../../src/main/trainer/backend.ts'
import { emaCase, lrScheduleCase, sgdNesterovCase } from '../../src/main/conformance/kinds/optim.ts'
import { ExponentialMovingAverage, Sgd } from '../../src/main/trainer/optim.ts'
import { learningRate } from '../../src/shared/schedules.ts'
import { fixture } from '../helpers/fixtures.ts'

beforeAll(async () => {
  await initBackend('cpu')
})

describe('optimiser fixtures', () => {
  it.each([
    ['sgd_nesterov', sgdNesterovCase],
    ['ema', emaCase],
    ['lr_fixmatch_cosine', lrScheduleCase],
    ['lr_half_cosine', lrScheduleCase]
  ] as const)('%s matches', async (name, handler) => {
    for (const check of await handler(fixture(name))) expect(check, check.name).toMatchObject({ pass: true })
  })
})

describe('SGD', () => {
  it('does not decay parameters marked decay=false', () => {
    const w = tf.variable(tf.tensor1d([1, 1]))
    const b = tf.variable(tf.tensor1d([1, 1]))
    const sgd = new Sgd(
      [
        { name: 'w', variable: w, decay: true },
        { name: 'b', variable: b, decay: false }
      ],
      { momentum: 0.9, nesterov: true, weightDecay: 0.1 }
    )
    sgd.step({ w: tf.zeros([2]), b: tf.zeros([2]) }, 1)
    expect(Array.from(b.dataSync())).toEqual([1, 1])
    // g = 0.1*1; buf = 0.1; step = g + 0.9*buf = 0.19
    expect(w.dataSync()[0]).toBeCloseTo(1 - 0.19, 6)
  })

  it('plain momentum differs from Nesterov on the second step', () => {
    const run = (nesterov: boolean) => {
      const v = tf.variable(tf.tensor1d([0]))
      const sgd = new Sgd([{ name: 'v', variable: v, decay: false }], { momentum: 0.9, nesterov, weightDecay: 0 })
      sgd.step({ v: tf.ones([1]) }, 1)
      sgd.step({ v: tf.ones([1]) }, 1)
      return v.dataSync()[0]
    }
    expect(run(false)).toBeCloseTo(-(1 + 1.9), 5)
    expect(run(true)).toBeCloseTo(-(1.9 + (1 + 0.9 * 1.9)), 5)
  })

  it('keeps the tensor count fixed across steps', () => {
    const v = tf.variable(tf.randomNormal([3, 3]))
    const sgd = new Sgd([{ name: 'v', variable: v, decay: true }], { momentum: 0.9, nesterov: true, weightDecay: 5e-4 })
    const grad = tf.ones([3, 3])
    sgd.step({ v: grad }, 0.03)
    const after1 = tf.memory().numTensors
    for (let i = 0; i < 5; i++) sgd.step({ v: grad }, 0.03)
    expect(tf.memory().numTensors).toBe(after1)
  })
})

describe('EMA', () => {
  it('averages weights and, by mode, averages or copies BN statistics', () => {
    const p = tf.variable(tf.tensor1d([0]))
    const runningMean = tf.variable(tf.tensor1d([0]), false)
    const avg = new ExponentialMovingAverage(new Map([['p', p]]), new Map([['bn.running_mean', runningMean]]), 0.9, 'average')
    const copy = new ExponentialMovingAverage(new Map([['p', p]]), new Map([['bn.running_mean', runningMean]]), 0.9, 'copy')
    p.assign(tf.tensor1d([1]))
    runningMean.assign(tf.tensor1d([1]))
    avg.update()
    copy.update()
    expect(avg.shadows.get('p')!.dataSync()[0]).toBeCloseTo(0.1, 6)
    expect(avg.shadows.get('bn.running_mean')!.dataSync()[0]).toBeCloseTo(0.1, 6)
    expect(copy.shadows.get('bn.running_mean')!.dataSync()[0]).toBe(1)
  })
})

describe('schedules', () => {
  it('fixmatch-cosine ends near cos(7pi/16) of the base rate and cosine at min_lr', () => {
    expect(learningRate({ schedule: 'fixmatch-cosine', lr: 0.03, totalSteps: 100 }, 100)).toBeCloseTo(0.03 * Math.cos((7 * Math.PI) / 16), 9)
    expect(learningRate({ schedule: 'cosine', lr: 0.03, minLr: 0.001, totalSteps: 100 }, 100)).toBeCloseTo(0.001, 9)
    expect(learningRate({ schedule: 'cosine', lr: 0.03, minLr: 0.001, totalSteps: 100 }, 50)).toBeCloseTo(0.0155, 9)
  })
})
