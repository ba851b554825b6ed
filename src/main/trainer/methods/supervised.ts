// S: the labeled batch alone; the step's supervised loss is the whole loss.
import * as tf from '@tensorflow/tfjs-core'
import { supervised as descriptor } from '../../../shared/methods/supervised.ts'
import type { SslMethod } from './types.ts'

export const supervised: SslMethod = {
  descriptor,
  deviceMetrics: [],
  metricsOf: () => ({}),
  createState: () => undefined,
  step: ({ lossLabeled }) => ({ loss: lossLabeled, lossUnlabeled: tf.scalar(0), lossContrastive: tf.scalar(0), metrics: [] })
}
