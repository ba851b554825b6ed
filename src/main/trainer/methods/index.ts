// The method registry's trainer half: one implementation per descriptor in
// src/shared/methods (a test checks that none is missing).
import type { Variant } from '../../../shared/config.ts'
import { fixmatch } from './fixmatch.ts'
import { flexmatch } from './flexmatch.ts'
import { freematch } from './freematch.ts'
import { pairwisePositive } from './pairwise-positive.ts'
import { pairwiseSeed } from './pairwise-seed.ts'
import { simclrBatch } from './simclr-batch.ts'
import { supervised } from './supervised.ts'
import type { SslMethod } from './types.ts'

export const METHODS: readonly SslMethod[] = [supervised, fixmatch, simclrBatch, pairwiseSeed, pairwisePositive, flexmatch, freematch]

/** The implementation of the config's variant. */
export function methodFor(variant: Variant): SslMethod {
  const method = METHODS.find((m) => m.descriptor.name === variant)
  if (!method) throw new Error(`no trainer implementation for method ${JSON.stringify(variant)}`)
  return method
}

export type { MethodState, SslMethod } from './types.ts'
