// The method registry's shared half: every SSL method in the order the editor,
// tables and `compare` list them. Adding a method: its descriptor file here, one
// entry below (and its keys in METHOD_KEYS), its implementation in
// src/main/trainer/methods/ (a test checks every entry has one).
import { fixmatch } from './fixmatch.ts'
import { pairwisePositive } from './pairwise-positive.ts'
import { pairwiseSeed } from './pairwise-seed.ts'
import { simclrBatch } from './simclr-batch.ts'
import { supervised } from './supervised.ts'
import type { MethodDescriptor } from './descriptor.ts'

export const METHOD_DESCRIPTORS = [supervised, fixmatch, simclrBatch, pairwiseSeed, pairwisePositive] as const

export type MethodName = (typeof METHOD_DESCRIPTORS)[number]['name']

/**
 * Every method's own config keys, joined into CONFIG_SCHEMA where the method keys
 * sit. The order is part of canonicalConfig (config hashes, checkpoint checks):
 * a new method's keys go after the existing ones.
 */
export const METHOD_KEYS = { ...fixmatch.keys, ...simclrBatch.keys, ...pairwiseSeed.keys, ...pairwisePositive.keys }

const BY_NAME: ReadonlyMap<string, MethodDescriptor> = new Map(METHOD_DESCRIPTORS.map((d) => [d.name, d]))

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && BY_NAME.has(name)
}

/** The descriptor of a method by its name; throws naming the known ones. */
export function methodDescriptor(name: string): MethodDescriptor {
  const descriptor = BY_NAME.get(name)
  if (!descriptor) throw new Error(`unknown method ${JSON.stringify(name)} (known: ${[...BY_NAME.keys()].join(', ')})`)
  return descriptor
}

export { imagesPerStep, largestForward, unlabeledPerStep, type MethodDescriptor, type MethodViews } from './descriptor.ts'
