import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CONFIG_SCHEMA,
  ConfigError,
  canonicalConfig,
  configSpread,
  defaultConfig,
  parseFieldValue,
  resolveConfig,
  type FieldSpec
} from '../../src/shared/config.ts'
import { positiveInt } from '../../src/cli/args.ts'
import { buildConfig, readConfigFile } from '../../src/cli/config-input.ts'
import { parseRequest } from '../../src/main/service/dispatch.ts'
import { parseFromTrainer, parseToTrainer } from '../../src/main/trainer/protocol.ts'
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

  it('every integer key has an upper bound, and the study recipe fits under them', () => {
    const ints = Object.entries(CONFIG_SCHEMA as Record<string, FieldSpec>).filter(([, spec]) => spec.type === 'int')
    expect(ints.length).toBeGreaterThan(10)
    for (const [key, spec] of ints) {
      expect(spec.type === 'int' && Number.isSafeInteger(spec.max) && spec.max >= spec.default, key).toBe(true)
      if (spec.type !== 'int') continue
      expect(() => resolveConfig({ [key]: spec.max })).not.toThrow()
      expect(() => resolveConfig({ [key]: spec.max + 1 })).toThrow(
        new RegExp(`^${key}: ${spec.max + 1} is not allowed; expected an integer >= ${spec.min} and <= ${spec.max}`)
      )
    }
    expect(configFromPreset('cifar10-40')).toMatchObject({ steps: 2 ** 20, batchSize: 64, mu: 7 })
  })

  it.each([
    [{ steps: 1e12 }, /^steps: 1000000000000 is not allowed; expected an integer >= 1 and <= 16777216$/],
    [{ steps: 1e300 }, /^steps: 1e\+300 is not allowed; expected an integer >= 1 and <= 16777216 \(a number this large is not held exactly\)$/],
    // eslint-disable-next-line no-loss-of-precision -- the case itself: a literal past 2^53 rounds silently
    [{ steps: 9007199254740993 }, /^steps: 9007199254740992 is not allowed; .*<= 16777216 \(a number this large is not held exactly\)$/],
    [{ batchSize: 1e8 }, /^batchSize: 100000000 is not allowed; expected an integer >= 1 and <= 4096$/],
    [{ mu: 1e9 }, /^mu: 1000000000 is not allowed; expected an integer >= 1 and <= 32$/],
    [{ evalBatchSize: 1e6 }, /^evalBatchSize: 1000000 is not allowed; .*<= 8192$/]
  ])('a huge integer %j is refused, naming the key, the value and the bound', (layer, message) => {
    expect(() => resolveConfig(layer)).toThrow(message)
  })

  it.each(['toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__', '__defineGetter__', 'isPrototypeOf'])(
    'a key named after Object.prototype.%s is an unknown key',
    (key) => {
      // JSON.parse makes "__proto__" an own key, as a config file or an API payload would
      const layer = JSON.parse(`{${JSON.stringify(key)}: 1}`) as Record<string, unknown>
      expect(Object.keys(layer)).toEqual([key])
      expect(() => resolveConfig(layer)).toThrow(new RegExp(`^unknown config key "${key}" \\(known keys: dataset, `))
      expect(() => parseFieldValue(key, '1')).toThrow(/unknown config key/)
      expect(() => buildConfig({ sets: [`${key}=1`] })).toThrow(new RegExp(`unknown config key "${key}"`))
      expect(() => parseRequest('queue/add', { config: layer })).toThrow(
        expect.objectContaining({ key, message: expect.stringMatching(/^unknown config key/) })
      )
    }
  )

  it('config files refuse prototype-named keys and huge integers, YAML ones with the digits as written', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fml-config-'))
    const file = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text)
      return path.join(dir, name)
    }
    expect(() => buildConfig({ configFile: file('proto.json', '{"__proto__": {"steps": 5}, "lr": 0.1}') })).toThrow(
      /bad config: unknown config key "__proto__"/
    )
    expect(() => buildConfig({ configFile: file('proto.yaml', 'lr: 0.1\nconstructor: 3\n') })).toThrow(/bad config: unknown config key "constructor"/)
    expect(() => buildConfig({ configFile: file('huge.yaml', 'steps: 9007199254740993\n') })).toThrow(
      /^bad config: steps: 9007199254740993 is not allowed; expected an integer >= 1 and <= 16777216/
    )
    expect(() => buildConfig({ configFile: file('huge.json', '{"steps": 1e12}') })).toThrow(/^bad config: steps: 1000000000000 is not allowed/)
    // ordinary YAML integers still come in as numbers
    expect(readConfigFile(file('ok.yaml', 'steps: 5000\nlr: 0.1\n'))).toEqual({ steps: 5000, lr: 0.1 })
    expect(buildConfig({ configFile: file('ok2.yaml', 'steps: 5000\nbatchSize: 64\n') })).toMatchObject({ steps: 5000, batchSize: 64 })
  })

  it('--set refuses an integer past 2^53 with the digits as typed, and huge values with the bound', () => {
    expect(() => buildConfig({ sets: ['steps=9007199254740993'] })).toThrow(
      /^steps: 9007199254740993 is not allowed; expected an integer >= 1 and <= 16777216$/
    )
    expect(() => buildConfig({ sets: ['steps=1e12'] })).toThrow(/^bad config: steps: 1000000000000 is not allowed/)
    expect(() => buildConfig({ sets: ['batchSize=100000000'] })).toThrow(
      /^bad config: batchSize: 100000000 is not allowed; expected an integer >= 1 and <= 4096/
    )
    expect(() => buildConfig({ sets: ['mu=1e9'] })).toThrow(/^bad config: mu: 1000000000 is not allowed; expected an integer >= 1 and <= 32/)
    expect(buildConfig({ sets: ['steps=16777216'] }).steps).toBe(2 ** 24)
  })

  it('integer flags take digits a number holds exactly', () => {
    expect(positiveInt('runs', '1000', 1)).toBe(1000)
    expect(positiveInt('runs', undefined, 7)).toBe(7)
    for (const text of ['9007199254740993', '1e3', '0x10', '', '0', '-2', '2.5']) {
      expect(() => positiveInt('runs', text, 1)).toThrow(`--runs must be a positive integer up to 9007199254740991, got "${text}"`)
    }
  })

  it('API payloads: config values are checked at the edge, naming the key', () => {
    expect(parseRequest('queue/add', { config: { steps: 500, variant: 'U' } }).config).toEqual({ steps: 500, variant: 'U' })
    expect(() => parseRequest('queue/add', { config: { steps: 1e12 } })).toThrow(
      expect.objectContaining({
        key: 'steps',
        message: expect.stringMatching(/^steps: 1000000000000 is not allowed; expected an integer >= 1 and <= 16777216/)
      })
    )
    expect(() => parseRequest('experiments/create', { name: 'x', config: { mu: 1e9 }, variants: ['O'], seeds: [1] })).toThrow(/^mu: 1000000000 is not allowed/)
  })

  it('the trainer protocol accepts every step the config check allows, and only those', () => {
    const max = CONFIG_SCHEMA.steps.max
    const progress = (step: number, totalSteps: number) => ({ type: 'progress', step, totalSteps, imagesPerSecond: 100, etaSeconds: 1 })
    const config = resolveConfig({ steps: max })
    expect(() => parseFromTrainer(progress(config.steps, config.steps))).not.toThrow()
    expect(() => parseFromTrainer(progress(1, 1))).not.toThrow()
    expect(() => parseFromTrainer(progress(max + 1, max + 1))).toThrow(/"progress": bad or missing step or totalSteps/)
    expect(() => parseFromTrainer(progress(0, 0))).toThrow(/bad or missing totalSteps$/)
    expect(() => parseFromTrainer({ type: 'metrics', step: max + 1, values: {} })).toThrow(/bad or missing step/)
    // sizes are not steps: a checkpoint of a large model is far more bytes than the step bound
    const sha256 = 'a'.repeat(64)
    const checkpoint = { type: 'checkpoint', step: max, path: '/x', bytes: 300e6, sha256, trainSeconds: 1, splitHash: 'ab' }
    expect(() => parseFromTrainer(checkpoint)).not.toThrow()
    const start = {
      type: 'start',
      runId: 1,
      config,
      homeDir: '/h',
      checkpointDir: '/h/c',
      heartbeatMs: 1000,
      resumeCandidates: [{ path: '/x', step: max, bytes: 300e6, sha256 }]
    }
    expect(() => parseToTrainer(start)).not.toThrow()
    expect(() => parseToTrainer({ ...start, resumeCandidates: [{ path: '/x', step: max + 1, bytes: 1, sha256 }] })).toThrow(/resumeCandidates/)
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
    expect(
      configSpread([a, b])
        .map((d) => d.key)
        .sort()
    ).toEqual(['lr', 'variant'])
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
