// The method registry: every descriptor in shared has a trainer implementation,
// their keys join CONFIG_SCHEMA unchanged, and no trainer, data or CLI module
// outside methods/ branches on a variant's name.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONFIG_SCHEMA, VARIANTS, canonicalConfig, defaultConfig, resolveConfig } from '../../src/shared/config.ts'
import { METHOD_DESCRIPTORS, imagesPerStep, largestForward, methodCharts, methodDescriptor } from '../../src/shared/methods/index.ts'
import { configFromPreset } from '../../src/shared/presets.ts'
import { METHODS, methodFor } from '../../src/main/trainer/methods/index.ts'

describe('method registry', () => {
  it('has one trainer implementation per shared descriptor, in the same order', () => {
    expect(METHODS.map((m) => m.descriptor.name)).toEqual(METHOD_DESCRIPTORS.map((d) => d.name))
    for (const descriptor of METHOD_DESCRIPTORS) expect(methodFor(descriptor.name).descriptor).toBe(descriptor)
    expect(VARIANTS).toEqual(['S', 'O', 'L', 'U', 'U+', 'FlexMatch', 'FreeMatch'])
  })

  it('gives every method its own name, title and colour', () => {
    for (const field of ['name', 'title', 'colour'] as const) {
      expect(new Set(METHOD_DESCRIPTORS.map((d) => d[field])).size, field).toBe(METHOD_DESCRIPTORS.length)
    }
    for (const d of METHOD_DESCRIPTORS) {
      expect(d.colour).toMatch(/^#[0-9a-f]{6}$/)
      // a short name stands in brackets after the title; a method's own name is its title
      expect(d.title === d.name || d.title.endsWith(`(${d.name})`), d.title).toBe(true)
    }
  })

  it("puts every method's keys into CONFIG_SCHEMA as the same spec, so validation and the editor see them", () => {
    for (const d of METHOD_DESCRIPTORS) {
      for (const [key, spec] of Object.entries(d.keys)) expect((CONFIG_SCHEMA as Record<string, unknown>)[key], `${d.name}.${key}`).toBe(spec)
    }
    expect(() => resolveConfig({ variant: 'U', temperature: 0 })).toThrow(/temperature: 0 is not allowed/)
    expect(Object.keys(methodDescriptor('S').keys)).toEqual([])
    expect(Object.keys(methodDescriptor('O').keys)).toEqual(['threshold', 'lambdaU'])
    for (const name of ['L', 'U', 'U+']) expect(Object.keys(methodDescriptor(name).keys)).toEqual(['threshold', 'lambdaU', 'temperature'])
    // FlexMatch's p_cutoff is O's threshold, so one preset compares them at one threshold; FreeMatch has no fixed one
    expect(Object.keys(methodDescriptor('FlexMatch').keys)).toEqual(['threshold', 'lambdaU', 'threshWarmup'])
    expect(Object.keys(methodDescriptor('FreeMatch').keys)).toEqual(['lambdaU', 'emaP', 'entLossRatio'])
    expect(defaultConfig()).toMatchObject({ threshWarmup: true, emaP: 0.999, entLossRatio: 0.001 })
    expect(() => resolveConfig({ variant: 'FreeMatch', emaP: 1.5 })).toThrow(/emaP/)
  })

  it('keeps the schema order and so every stored config hash and checkpoint check', () => {
    // canonicalConfig hashes the keys in schema order: the method keys sit where they always were
    // a new method's keys go after the older methods' ones
    expect(Object.keys(CONFIG_SCHEMA).slice(9, 20)).toEqual([
      'batchSize',
      'mu',
      'threshold',
      'lambdaU',
      'temperature',
      'threshWarmup',
      'emaP',
      'entLossRatio',
      'randAugmentN',
      'randAugmentM',
      'lr'
    ])
    expect(canonicalConfig(defaultConfig())).toContain(
      '"mu":2,"threshold":0.95,"lambdaU":1,"temperature":0.1,"threshWarmup":true,"emaP":0.999,"entLossRatio":0.001,"randAugmentN":2'
    )
  })

  it("states each method's loss, with L's contrastive term unweighted and U's scaled by lambdaU", () => {
    expect(methodDescriptor('O').loss).toMatch(/CE\(labeled\) \+ lambdaU \* Lu/)
    expect(methodDescriptor('L').loss).toMatch(/\+ lambdaU \* Lu \+ Lc.*UNWEIGHTED/)
    for (const name of ['U', 'U+']) expect(methodDescriptor(name).loss).toMatch(/\+ lambdaU \* \(Lu \+ Lc\)/)
    expect(methodDescriptor('U').loss).toMatch(/study/)
    expect(methodDescriptor('U+').loss).toMatch(/own strong view/)
  })

  it('counts the images a step of each method needs from its views', () => {
    const shape = { batchSize: 4, mu: 3 }
    expect(METHOD_DESCRIPTORS.map((d) => imagesPerStep(d, shape))).toEqual([4, 28, 84, 28, 28, 28, 28])
    expect(METHOD_DESCRIPTORS.map((d) => largestForward(d, shape))).toEqual([4, 28, 56, 28, 28, 28, 28])
  })
})

describe('no variant names outside the methods', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name)
      return statSync(full).isDirectory() ? sources(full) : /\.(ts|mts)$/.test(name) ? [full] : []
    })
  const methodsDir = path.join('src', 'main', 'trainer', 'methods')

  it('the trainer, data preparation, service and CLI never branch on a variant', () => {
    const offenders: string[] = []
    for (const file of [...sources(path.join('src', 'main')), ...sources(path.join('src', 'cli'))]) {
      if (file.startsWith(methodsDir)) continue
      const text = readFileSync(file, 'utf8')
      const name = `(${VARIANTS.map((v) => v.replace(/[+]/g, '\\+')).join('|')})`
      const branch = new RegExp(`variant\\s*[!=]==?\\s*['"]|['"]${name}['"]\\s*[!=]==?\\s*[\\w.]*variant|case\\s+['"]${name}['"]`)
      if (branch.test(text)) offenders.push(file)
    }
    expect(offenders).toEqual([])
  })
})

describe('the adaptive-threshold methods', () => {
  it('document their formulas: the convex mapping, the state before or after the mask, the fairness sign', () => {
    expect(methodDescriptor('FlexMatch').loss).toMatch(/M\(x\) = x \/ \(2 - x\).*threshWarmup.*from before the step/)
    expect(methodDescriptor('FreeMatch').loss).toMatch(/entLossRatio \* Lf; first.*time_p = emaP.*then Lu.*p_model\[c\] \/ max\(p_model\).*sign included/)
  })

  it.each(['mnist-quick', 'cifar10-40'])('the %s preset takes both, keeping its threshold as FlexMatch p_cutoff', (preset) => {
    for (const variant of ['FlexMatch', 'FreeMatch']) {
      const config = configFromPreset(preset, { variant })
      expect(config.variant).toBe(variant)
      expect(config.threshold).toBe(configFromPreset(preset).threshold)
    }
    expect(configFromPreset(preset, { variant: 'FlexMatch', threshWarmup: false }).threshWarmup).toBe(false)
  })

  it('chart their own curve where a run has the method, each once', () => {
    expect(methodCharts(['O', 'U']).map((c) => c.metric)).toEqual([])
    expect(methodCharts(['FreeMatch', 'O', 'FlexMatch', 'FlexMatch']).map((c) => c.metric)).toEqual(['learningEffect', 'globalThreshold'])
    const recorded = { FlexMatch: methodFor('FlexMatch').metricsOf([0.5, 4, 3, 0.2]), FreeMatch: methodFor('FreeMatch').metricsOf([0.5, 4, 3, 0.7, -2.3]) }
    // each chart's metric is one the trainer records for that method
    expect(recorded.FlexMatch).toMatchObject({ maskRate: 0.5, pseudoLabelAccuracy: 0.75, learningEffect: 0.2 })
    expect(recorded.FreeMatch).toMatchObject({ maskRate: 0.5, globalThreshold: 0.7, lossFairness: -2.3 })
    expect(methodFor('FlexMatch').deviceMetrics).toHaveLength(4)
    expect(methodFor('FreeMatch').deviceMetrics).toHaveLength(5)
  })
})
