// Fixture kinds for the optimiser, the EMA and the learning-rate schedules.
import * as tf from '@tensorflow/tfjs-core'
import { checkClose, type Check } from '../compare.ts'
import { expected, input, param, type Fixture } from '../fixture.ts'
import { emaBlend, Sgd } from '../../trainer/optim.ts'
import { learningRate, type ScheduleName } from '../../../shared/schedules.ts'
import type { KindHandler } from './types.ts'

function tolerances(fx: Fixture): [number, number] {
  return [fx.tolerance.atol ?? 0, fx.tolerance.rtol ?? 0]
}

export const sgdNesterovCase: KindHandler = async (fx) => {
  const grads = input(fx, 'grads')
  const [steps, size] = grads.shape
  const variable = tf.variable(tf.tensor1d(input(fx, 'param').data))
  const sgd = new Sgd([{ name: 'param', variable, decay: true }], {
    momentum: param<number>(fx, 'momentum'),
    nesterov: param<boolean>(fx, 'nesterov', false),
    weightDecay: param<number>(fx, 'weight_decay', 0)
  })
  const lr = param<number>(fx, 'lr')
  const paramsAfter = new Float32Array(steps * size)
  const momentumAfter = new Float32Array(steps * size)
  try {
    for (let k = 0; k < steps; k++) {
      const grad = tf.tensor1d(grads.data.slice(k * size, (k + 1) * size))
      sgd.step({ param: grad }, lr)
      grad.dispose()
      paramsAfter.set(await variable.data(), k * size)
      momentumAfter.set(await sgd.state().get('param')!.data(), k * size)
    }
  } finally {
    sgd.dispose()
    variable.dispose()
  }
  const [atol, rtol] = tolerances(fx)
  const checks: Check[] = [checkClose('params_after_each_step', paramsAfter, expected(fx, 'params_after_each_step').data, atol, rtol)]
  if (fx.expected.momentum_after_each_step) {
    checks.push(checkClose('momentum_after_each_step', momentumAfter, fx.expected.momentum_after_each_step.data, atol, rtol))
  }
  return checks
}

export const emaCase: KindHandler = async (fx) => {
  const got = tf.tidy(() => emaBlend(tf.tensor(input(fx, 'ema').data), tf.tensor(input(fx, 'param').data), param<number>(fx, 'decay')))
  const data = await got.data()
  got.dispose()
  const [atol, rtol] = tolerances(fx)
  return [checkClose('ema_after', data, expected(fx, 'ema_after').data, atol, rtol)]
}

export const lrScheduleCase: KindHandler = async (fx) => {
  const schedule = param<ScheduleName>(fx, 'schedule')
  if (!['fixmatch-cosine', 'cosine', 'constant'].includes(schedule)) {
    throw new Error(`${fx.file}: unknown schedule "${schedule}" (fixmatch-cosine, cosine or constant)`)
  }
  const spec = { schedule, lr: param<number>(fx, 'lr'), minLr: param<number>(fx, 'min_lr', 0), totalSteps: param<number>(fx, 'total_steps') }
  const got = input(fx, 'steps').data.map((step) => learningRate(spec, step))
  const [atol, rtol] = tolerances(fx)
  return [checkClose('lr', got, expected(fx, 'lr').data, atol, rtol)]
}
