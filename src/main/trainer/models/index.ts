// Builds a classifier from a spec; the one entry point the trainer uses.
import type { Rng } from '../../../shared/rng.ts'
import type { Classifier } from './types.ts'
import { SmallCnn } from './small-cnn.ts'
import { WideResNet } from './wrn.ts'

export type { Classifier } from './types.ts'
export { loadStateDict, readStateDict, type StateDict } from './state-dict.ts'
export { WideResNet } from './wrn.ts'
export { SmallCnn } from './small-cnn.ts'

/** 'wrn-<depth>-<width>' (wrn-28-2, wrn-28-8, ...) or 'small-cnn'. */
export type Architecture = `wrn-${number}-${number}` | 'small-cnn'

export interface ModelSpec {
  architecture: Architecture
  numClasses: number
  /** One image: [height, width, channels]. */
  inputShape: [number, number, number]
}

/** Creates a freshly initialised model; all init draws come from rng. */
export function createModel(spec: ModelSpec, rng: Rng): Classifier {
  if (!Number.isInteger(spec.numClasses) || spec.numClasses < 1) {
    throw new Error(`numClasses must be a positive integer, got ${spec.numClasses}`)
  }
  if (!Array.isArray(spec.inputShape) || spec.inputShape.length !== 3 || !spec.inputShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`inputShape must be [height, width, channels] of positive integers, got ${JSON.stringify(spec.inputShape)}`)
  }
  const inputChannels = spec.inputShape[2]
  if (spec.architecture === 'small-cnn') return new SmallCnn({ numClasses: spec.numClasses, inputChannels }, rng)
  const wrn = /^wrn-(\d+)-(\d+)$/.exec(spec.architecture)
  if (wrn) return new WideResNet({ depth: Number(wrn[1]), width: Number(wrn[2]), numClasses: spec.numClasses, inputChannels }, rng)
  throw new Error(`architecture must be "wrn-<depth>-<width>" (e.g. wrn-28-2) or "small-cnn", got "${spec.architecture}"`)
}
