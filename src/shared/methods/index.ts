// The method registry's shared half: every SSL method in the order the editor,
// tables and `compare` list them. Adding a method: its descriptor file here, one
// entry below (and its keys in METHOD_KEYS), its implementation in
// src/main/trainer/methods/ (a test checks every entry has one).
import { fixmatch } from './fixmatch.ts'
import { flexmatch } from './flexmatch.ts'
import { freematch } from './freematch.ts'
import { pairwisePositive } from './pairwise-positive.ts'
import { pairwiseSeed } from './pairwise-seed.ts'
import { simclrBatch } from './simclr-batch.ts'
import { supervised } from './supervised.ts'
import type { MethodChart, MethodDescriptor } from './descriptor.ts'

export const METHOD_DESCRIPTORS = [supervised, fixmatch, simclrBatch, pairwiseSeed, pairwisePositive, flexmatch, freematch] as const

export type MethodName = (typeof METHOD_DESCRIPTORS)[number]['name']

/**
 * Every method's own config keys, joined into CONFIG_SCHEMA where the method keys
 * sit. The order is part of canonicalConfig (config hashes, checkpoint checks):
 * a new method's keys go after the existing ones.
 */
export const METHOD_KEYS = { ...fixmatch.keys, ...simclrBatch.keys, ...pairwiseSeed.keys, ...pairwisePositive.keys, ...flexmatch.keys, ...freematch.keys }

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

/** The method-own curves of these variants (each once, in registry order): what Live and History chart for them. */
export function methodCharts(variants: Iterable<string>): MethodChart[] {
  const wanted = new Set(variants)
  const charts = (METHOD_DESCRIPTORS as readonly MethodDescriptor[]).filter((d) => wanted.has(d.name)).flatMap((d) => d.charts ?? [])
  return charts.filter((chart, i) => charts.findIndex((c) => c.metric === chart.metric) === i)
}

export { imagesPerStep, largestForward, unlabeledPerStep, type MethodChart, type MethodDescriptor, type MethodViews } from './descriptor.ts'
