import { describe, expect, it } from 'vitest'
import { CONFIG_SCHEMA, ConfigError, canonicalConfig, configDiff, defaultConfig, parseFieldValue, resolveConfig } from '../../src/shared/config.ts'
import { configFromPreset, PRESETS } from '../../src/shared/presets.ts'
import { formatDuration, formatMeanStd, meanAndStd } from '../../src/shared/format.ts'

describe('config schema', () => {
  it('defaults satisfy the schema', () => {
    expect(() => resolveConfig(defaultConfig())).not.toThrow()
  })

  it('every preset resolves and the study preset carries the study recipe', () => {
    for (const name of Object.keys(PRESETS)) expect(() => configFromPreset(name)).not.toThrow()
    const study = configFromPreset('cifar10-40')
    expect(study).toMatchObject({ model: 'wrn-28-2', steps: 2 ** 20, batchSize: 64, mu: 7, lr: 0.03, threshold: 0.95, emaDecay: 0.999, labelsPerClass: 4 })
    expect(configFromPreset('cifar100-400')).toMatchObject({ model: 'wrn-28-8', weightDecay: 1e-3 })
  })

  it('an unknown key is refused, naming it', () => {
    expect(() => resolveConfig({ learningRate: 0.1 })).toThrow(/unknown config key "learningRate"/)
  })

  it.each([
    [{ lr: -1 }, /lr: -1 is not allowed; expected a number > 0/],
    [{ steps: 1.5 }, /steps: 1.5 .*an integer >= 1/],
    [{ variant: 'X' }, /variant: "X" .*one of S, O, L, U, U\+/],
    [{ nesterov: 'yes' }, /nesterov: "yes" .*true or false/],
    [{ threshold: 2 }, /threshold: 2 .*<= 1/],
    [{ dataset: 'folder' }, /datasetPath: required/],
    [{ schedule: 'cosine', lr: 0.01, minLr: 0.1 }, /minLr: 0.1 is larger than lr/]
  ])('bad value %j is refused with what is allowed', (layer, message) => {
    expect(() => resolveConfig(layer)).toThrow(message)
    try {
      resolveConfig(layer)
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
    }
  })

  it('parses command-line values into the field types', () => {
    expect(parseFieldValue('lr', '0.5')).toBe(0.5)
    expect(parseFieldValue('nesterov', 'false')).toBe(false)
    expect(parseFieldValue('variant', 'U+')).toBe('U+')
    expect(parseFieldValue('steps', 'abc')).toBe('abc') // left for the schema check to refuse
    expect(() => parseFieldValue('nope', '1')).toThrow(/unknown config key/)
  })

  it('diff lists exactly the keys that differ; canonical text ignores key order', () => {
    const a = resolveConfig({ variant: 'O' })
    const b = resolveConfig({ variant: 'U', lr: 0.1 })
    expect(configDiff(a, b).map((d) => d.key).sort()).toEqual(['lr', 'variant'])
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as typeof a
    expect(canonicalConfig(reordered)).toBe(canonicalConfig(a))
    expect(Object.keys(JSON.parse(canonicalConfig(a)))).toEqual(Object.keys(CONFIG_SCHEMA))
  })
})

describe('formatting', () => {
  it('formats durations like the study table', () => {
    expect(formatDuration(18 * 3600 + 27 * 60)).toBe('18h 27m')
    expect(formatDuration(2 * 86400 + 3600 + 9 * 60)).toBe('2d 1h 9m')
    expect(formatDuration(192)).toBe('3m 12s')
  })

  it('mean ± sample std over seeds', () => {
    expect(meanAndStd([1, 2, 3])).toEqual({ mean: 2, std: 1 })
    expect(formatMeanStd([88, 90])).toBe('89.0 ± 1.4')
    expect(formatMeanStd([88])).toBe('88.0')
  })
})
