import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadDataset } from '../../src/main/data/index.ts'
import type { Dataset } from '../../src/main/data/types.ts'

let mnist: Dataset
beforeAll(async () => {
  mnist = await loadDataset({ name: 'mnist' }, { homeDir: '/nonexistent' })
})

const fingerprint = (d: Dataset) =>
  createHash('sha256')
    .update(d.train.images)
    .update(new Uint8Array(d.train.labels.buffer))
    .update(d.test.images)
    .update(new Uint8Array(d.test.labels.buffer))
    .digest('hex')

describe('MNIST from the mnist package', () => {
  it('has 10,000 digits of 28x28x1 with every label 0..9', () => {
    expect([mnist.height, mnist.width, mnist.channels]).toEqual([28, 28, 1])
    expect(mnist.train.count + mnist.test.count).toBe(10_000)
    expect(mnist.train.images.length).toBe(mnist.train.count * 784)
    expect(mnist.test.images.length).toBe(mnist.test.count * 784)
    expect(new Set(mnist.train.labels)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))
    expect(new Set(mnist.test.labels)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))
    expect(mnist.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    expect(mnist.augment.horizontalFlip).toBe(false)
  })

  it('splits every fifth digit of each class into the test set', () => {
    expect(mnist.train.count).toBe(8004)
    expect(mnist.test.count).toBe(1996)
    const testPerClass = new Array(10).fill(0)
    for (const label of mnist.test.labels) testPerClass[label]++
    expect(testPerClass).toEqual([200, 225, 198, 206, 196, 172, 202, 214, 188, 195])
  })

  it('holds the package digits as bytes', async () => {
    const folder = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits')
    const sevens = JSON.parse(await readFile(join(folder, '7.json'), 'utf8')).data as number[]
    const expectByte = (v: number) => Math.round(v * 255)
    const firstSevenTrain = mnist.train.labels.indexOf(7)
    const firstSevenTest = mnist.test.labels.indexOf(7)
    // Train: the class's digits 0, 1, 2, 3, 5, ...; test: its digits 4, 9, ...
    expect(Array.from(mnist.train.images.subarray(firstSevenTrain * 784, (firstSevenTrain + 1) * 784))).toEqual(sevens.slice(0, 784).map(expectByte))
    const fifth = sevens.slice(4 * 784, 5 * 784).map(expectByte)
    expect(Array.from(mnist.test.images.subarray(firstSevenTest * 784, (firstSevenTest + 1) * 784))).toEqual(fifth)
    expect(Math.max(...mnist.train.images.subarray(0, 784 * 10))).toBe(255)
  })

  it('is identical on a second load', async () => {
    const again = await loadDataset({ name: 'mnist' }, { homeDir: '/nonexistent' })
    expect(fingerprint(again)).toBe(fingerprint(mnist))
    expect(again.normalization).toEqual(mnist.normalization)
    expect(mnist.normalization.mean[0]).toBeCloseTo(0.131, 2)
  })

  it('is the same split on every machine (pinned), and so is a seeded labeled split of it', async () => {
    const { makeLabeledSplit } = await import('../../src/main/data/split.ts')
    expect(fingerprint(mnist)).toBe('6ece734d891e506a045bcbe7a748a0123e6e97c65751fd512664ef05b092c9a1')
    const split = makeLabeledSplit(mnist.train.labels, 10, { labelsPerClass: 4, seed: 0, unlabeledMode: 'rest' })
    expect(split.splitHash).toBe('85df1ec0bd247564')
  })
})
