// The SSL diagnostics' data path in the trainer: the confusion matrix and
// per-class accuracy from evaluate's pass, and the per-class pseudo-label
// counts every method with pseudo-labels reports, summed over steps.
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/shared/config.ts'
import { classTotals, perClassAccuracy } from '../../src/shared/diagnostics/confusion.ts'
import { evaluate } from '../../src/main/trainer/evaluate.ts'
import { PseudoLabelTally } from '../../src/main/trainer/diagnostics.ts'
import { METHODS, methodFor } from '../../src/main/trainer/methods/index.ts'
import type { Classifier } from '../../src/main/trainer/models/types.ts'
import type { TrainBatch } from '../../src/main/trainer/step.ts'
import type { MethodStepInputs } from '../../src/main/trainer/methods/types.ts'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** A 1x1 grey "model" whose logits favour the class written in the pixel: the test decides every prediction. */
function pixelSaysClass(numClasses: number): Classifier {
  return {
    architecture: 'fake',
    numClasses,
    params: new Map(),
    buffers: new Map(),
    apply: (images) => tf.mul(tf.oneHot(tf.cast(tf.round(tf.mul(tf.reshape(images, [-1]), 255)), 'int32'), numClasses), 5) as tf.Tensor2D,
    decays: () => false,
    parameterCount: () => 0,
    dispose: () => {}
  }
}

describe('evaluate: confusion matrix and per-class accuracy', () => {
  it('counts a hand-made case in its one pass', async () => {
    // true labels 0 0 1 2 2, predicted 0 2 1 2 0 (the pixel is the prediction)
    const set = { images: Uint8Array.from([0, 2, 1, 2, 0]), labels: Int32Array.from([0, 0, 1, 2, 2]), count: 5 }
    const { result, confusion, misclassified } = await evaluate(pixelSaysClass(3), set, [1, 1, 1], { mean: [0], std: [1] }, { batchSize: 2 })
    // rows = true class, columns = predicted
    expect(Array.from(confusion.counts)).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1])
    expect(confusion.classes).toBe(3)
    expect(result.top1).toBeCloseTo(60)
    expect(result.count).toBe(5)
    expect(misclassified).toEqual([
      { index: 1, predicted: 2, label: 0 },
      { index: 4, predicted: 0, label: 2 }
    ])
    const { correct, images } = classTotals(confusion)
    expect(correct).toEqual([1, 1, 1])
    expect(images).toEqual([2, 1, 2])
    expect(perClassAccuracy(correct, images)).toEqual([50, 100, 50])
  })

  it('counts only the evalLimit images it evaluates, and a class without images has no accuracy', async () => {
    // 6 images, limit 3 takes indices 0, 2, 4 (spread evenly); none of them is of class 1
    const set = { images: Uint8Array.from([0, 1, 2, 1, 0, 1]), labels: Int32Array.from([0, 1, 2, 1, 0, 1]), count: 6 }
    const { confusion, misclassified } = await evaluate(pixelSaysClass(3), set, [1, 1, 1], { mean: [0], std: [1] }, { batchSize: 8, limit: 3 })
    expect(Array.from(confusion.counts)).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 1])
    expect(misclassified).toEqual([])
    const { correct, images } = classTotals(confusion)
    expect(perClassAccuracy(correct, images)).toEqual([100, null, 100])
  })
})

describe('pseudo-label counts', () => {
  const config = resolveConfig({ dataset: 'mnist', model: 'small-cnn', variant: 'O', threshold: 0.9, batchSize: 1, mu: 4 })
  /** One O step's inputs: 1 labeled row, then 4 weak and 4 strong rows of 3 classes. */
  function stepInputs(weak: number[][]): MethodStepInputs {
    const u = weak.length
    const batch = {
      labels: Int32Array.from([0]),
      unlabeledTrueLabels: new Int32Array(u).fill(-1),
      unlabeledPositions: Int32Array.from({ length: u }, (_, i) => i)
    } as TrainBatch
    const logits = tf.tensor2d([[0, 0, 0], ...weak, ...weak.map(() => [0, 0, 0])]) as tf.Tensor2D
    return { config, batch, logits, labeledCount: 1, unlabeledCount: u, lossLabeled: tf.scalar(0), forward: () => tf.zeros([1, 3]) as tf.Tensor2D }
  }
  // [8, 0, 0] gives p > 0.99 (kept at 0.9); [1, 0, 0] gives p = 0.58 (not kept)
  const step1 = [
    [8, 0, 0], // 0, kept
    [0, 1, 0], // 1, not kept
    [0, 8, 0], // 1, kept
    [0, 0, 8] // 2, kept
  ]
  const step2 = [
    [0, 0, 1], // 2, not kept
    [0, 0, 8], // 2, kept
    [8, 0, 0], // 0, kept
    [0, 1, 0] // 1, not kept
  ]

  it("are O's step output, and the tally sums them on the device until an evaluation reads them", async () => {
    const tally = new PseudoLabelTally()
    for (const weak of [step1, step2]) {
      const outputs = methodFor('O').step(stepInputs(weak), undefined)
      expect(Array.from(await outputs.pseudoLabelCounts!.data())).toEqual(weak === step1 ? [1, 2, 1, 1, 1, 1] : [1, 1, 2, 1, 0, 1])
      tally.add(outputs.pseudoLabelCounts!)
    }
    expect(await tally.take()).toEqual({ steps: 2, histogram: [2, 3, 3], passed: [2, 1, 2] })
    // read once: the next evaluation counts from zero
    expect(await tally.take()).toBeUndefined()
    tally.add(methodFor('O').step(stepInputs(step2), undefined).pseudoLabelCounts!)
    expect(await tally.take()).toEqual({ steps: 1, histogram: [1, 1, 2], passed: [1, 0, 1] })
    tally.dispose()
  })

  it('every method with unlabeled views reports them through the registry, the supervised one none', () => {
    for (const method of METHODS) {
      const state = method.createState({ config: resolveConfig({ ...config, variant: method.descriptor.name }), numClasses: 3, unlabeledCount: 4 })
      const inputs: MethodStepInputs = { ...stepInputs(step1), config: resolveConfig({ ...config, variant: method.descriptor.name }) }
      if (method.descriptor.views.simclr) inputs.batch.simclrViews = new Float32Array(0)
      if (method.descriptor.views.simclr) inputs.forward = (_data, count) => tf.randomNormal([count, 3], 0, 1, 'float32', 1) as tf.Tensor2D
      if (!method.descriptor.views.unlabeled) {
        inputs.logits = tf.tensor2d([[0, 0, 0]]) as tf.Tensor2D
        inputs.unlabeledCount = 0
      }
      const outputs = method.step(inputs, state)
      if (method.descriptor.views.unlabeled) expect(outputs.pseudoLabelCounts?.shape, method.descriptor.name).toEqual([2, 3])
      else expect(outputs.pseudoLabelCounts, method.descriptor.name).toBeUndefined()
      state?.dispose()
    }
  })
})
