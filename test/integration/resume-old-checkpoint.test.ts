// A run paused before SSL methods became registered units resumes after the
// change: the checkpoint main wrote at 961e9dc (no method state, the config of
// that day) passes the resume check and continues exactly as today's code trains.
import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { canonicalConfig, resolveConfig } from '../../src/shared/config.ts'
import { deriveSeed, STREAMS } from '../../src/shared/rng.ts'
import { initBackend } from '../../src/main/trainer/backend.ts'
import { train } from '../../src/main/trainer/loop.ts'
import { checkpointMismatch } from '../../src/main/trainer/resume-check.ts'
import { deserializeState, serializeState, type TrainingState } from '../../src/main/checkpoint/format.ts'
import { makeLabeledSplit } from '../../src/main/data/split.ts'
import { loadMnist } from '../../src/main/data/mnist.ts'
import type { Dataset } from '../../src/main/data/types.ts'
import { smallDataset, tinyTrainingConfig } from '../helpers/training.ts'

const FIXTURE = new URL('../fixtures/checkpoints/main-961e9dc-mnist-o-step3.ckpt', import.meta.url)

let mnist: Dataset
let old: TrainingState

beforeAll(async () => {
  await initBackend('wasm')
  mnist = smallDataset(await loadMnist())
  old = deserializeState(readFileSync(FIXTURE), 'fixture')
})

function splitHashOf(config: TrainingState['config']): string {
  return makeLabeledSplit(mnist.train.labels, 10, {
    labelsPerClass: config.labelsPerClass,
    seed: deriveSeed(config.splitSeed, STREAMS.split),
    unlabeledMode: config.unlabeledPool,
    classNames: mnist.classNames
  }).splitHash
}

describe('a checkpoint written by main before the method registry', () => {
  it('is the run the tests train, paused at step 3, without a method state group', () => {
    expect(old.step).toBe(3)
    expect(old.tensors.method ?? {}).toEqual({})
    expect(canonicalConfig(old.config)).toBe(canonicalConfig(tinyTrainingConfig('wasm', { steps: 6, checkpointEvery: 100 })))
  })

  it('passes the resume check and continues exactly as an uninterrupted run of today', async () => {
    // the run's config as the store gives it back to the trainer
    const config = resolveConfig(old.config)
    expect(checkpointMismatch(old, config, splitHashOf(config))).toBeUndefined()

    let resumedEnd: TrainingState | undefined
    const resumed = await train(config, mnist, { resumeFrom: old, hooks: { onCheckpoint: (s) => void (resumedEnd = s) } })
    expect(resumed.status).toBe('finished')
    expect(resumed.step).toBe(6)
    let wholeEnd: TrainingState | undefined
    await train(config, mnist, { hooks: { onCheckpoint: (s) => void (wholeEnd = s) } })
    for (const group of ['params', 'buffers', 'ema', 'momentum'] as const) {
      for (const [name, entry] of Object.entries(wholeEnd!.tensors[group])) {
        expect(Array.from(resumedEnd!.tensors[group][name].values), `${group} ${name}`).toEqual(Array.from(entry.values))
      }
    }
  })

  it('reads a key added to the schema since it was written with its default, so the config still matches', () => {
    // as a checkpoint from before a key existed: its header's config lacks the key
    const { temperature: _dropped, ...older } = old.config
    const bytes = serializeState({ ...old, config: older as TrainingState['config'] })
    expect(canonicalConfig(older as TrainingState['config'])).not.toBe(canonicalConfig(old.config))
    const read = deserializeState(bytes)
    expect(read.config.temperature).toBe(0.1)
    const config = resolveConfig(old.config)
    expect(checkpointMismatch(read, config, splitHashOf(config))).toBeUndefined()
  })
})
