// The one typed config schema for a training run. Plain data (no Node, no DOM):
// the CLI, the service and the renderer's editor all read it from here, and
// its zod validators are generated from it.
import { z } from 'zod'
import { issueField } from './schema-issues.ts'

import { METHOD_DESCRIPTORS, METHOD_KEYS, type MethodName } from './methods/index.ts'

/** The SSL methods' names, in registry order (src/shared/methods/index.ts). */
// a non-empty tuple, as enums (the config's, the contract's zod ones) need one
export const VARIANTS = METHOD_DESCRIPTORS.map((method) => method.name) as unknown as readonly [MethodName, ...MethodName[]]
export type Variant = MethodName

type FieldBase = { doc: string; group: 'data' | 'model' | 'method' | 'optimiser' | 'schedule' | 'logging' | 'system' }
export type FieldSpec =
  /** every integer field has an upper bound: a value past it is a typo or a runaway, never a plan */
  | (FieldBase & { type: 'int'; default: number; min: number; max: number })
  | (FieldBase & { type: 'number'; default: number; min: number; max?: number; exclusiveMin?: boolean })
  | (FieldBase & { type: 'boolean'; default: boolean })
  | (FieldBase & { type: 'enum'; default: string; values: readonly string[] })
  | (FieldBase & { type: 'string'; default: string })

// Upper bounds of the integer fields, each well above what a real run uses:
// - steps: 2^24, 16x the study's 2^20 (weeks on one GPU at its pace);
//   every "every N steps" field shares it (a period longer than the run means: at the end only).
// - batchSize 4096 and mu 32: the FixMatch paper's largest are B=1024 (ImageNet) and mu=7; a step
//   holds B + 2*mu*B images, so larger ones do not fit in any one machine's memory.
// - evalBatchSize 8192: 32x the default; evaluation holds one batch at a time.
// - labelsPerClass 100000 and evalLimit 1000000: far more than the built-in data sets hold
//   (MNIST and CIFAR classes have at most 6742 training images, their test sets 10000).
export const MAX_STEPS = 2 ** 24

export const CONFIG_SCHEMA = {
  dataset: {
    type: 'enum',
    values: ['mnist', 'cifar10', 'cifar100', 'folder'],
    default: 'mnist',
    group: 'data',
    doc: 'which data set: the embedded MNIST digits, CIFAR-10/100 (imported or downloaded), or an image folder'
  },
  datasetPath: { type: 'string', default: '', group: 'data', doc: 'for dataset=folder: the folder with one sub-folder per class' },
  labelsPerClass: {
    type: 'int',
    default: 4,
    min: 1,
    max: 100_000,
    group: 'data',
    doc: 'labeled images per class (the label budget): 4 per class is CIFAR-10 at 40 labels'
  },
  unlabeledPool: {
    type: 'enum',
    values: ['rest', 'all'],
    default: 'rest',
    group: 'data',
    doc: 'unlabeled images: the rest of the training set (the study) or all of it (the FixMatch paper)'
  },
  model: {
    type: 'enum',
    values: ['wrn-28-2', 'wrn-28-8', 'small-cnn'],
    default: 'small-cnn',
    group: 'model',
    doc: 'network: WRN-28-2 (CIFAR-10), WRN-28-8 (CIFAR-100) or a small CNN for CPU runs'
  },
  variant: { type: 'enum', values: VARIANTS, default: 'O', group: 'method', doc: `the SSL method: ${METHOD_DESCRIPTORS.map((m) => m.title).join(', ')}` },
  splitSeed: {
    type: 'int',
    default: 1,
    min: 0,
    max: 2 ** 31 - 1,
    group: 'data',
    doc: 'seeds which images keep their labels: runs with the same splitSeed share a split'
  },
  seed: { type: 'int', default: 1, min: 0, max: 2 ** 31 - 1, group: 'method', doc: 'seeds the initial weights, the data order and the augmentations' },
  steps: { type: 'int', default: 1000, min: 1, max: MAX_STEPS, group: 'schedule', doc: 'optimiser updates in total' },
  batchSize: { type: 'int', default: 32, min: 1, max: 4096, group: 'method', doc: 'labeled images per step (B)' },
  mu: { type: 'int', default: 2, min: 1, max: 32, group: 'method', doc: 'unlabeled images per labeled image in a step (mu): the step sees B + 2*mu*B images' },
  // the methods' own keys (threshold, lambdaU, temperature, ...), in this place of the canonical order
  ...METHOD_KEYS,
  randAugmentN: { type: 'int', default: 2, min: 0, max: 14, group: 'method', doc: 'RandAugment: ops per strong view' },
  randAugmentM: { type: 'int', default: 10, min: 2, max: 30, group: 'method', doc: 'RandAugment: magnitudes are drawn from 1..m-1' },
  lr: { type: 'number', default: 0.03, min: 0, exclusiveMin: true, group: 'optimiser', doc: 'base learning rate' },
  schedule: {
    type: 'enum',
    values: ['fixmatch-cosine', 'cosine', 'constant'],
    default: 'fixmatch-cosine',
    group: 'schedule',
    doc: 'fixmatch-cosine: lr*cos(7*pi*k/16K); cosine: half cosine to minLr'
  },
  minLr: { type: 'number', default: 0, min: 0, group: 'schedule', doc: 'floor of the cosine schedule' },
  momentum: { type: 'number', default: 0.9, min: 0, max: 1, group: 'optimiser', doc: 'SGD momentum' },
  nesterov: { type: 'boolean', default: true, group: 'optimiser', doc: 'Nesterov momentum' },
  weightDecay: { type: 'number', default: 5e-4, min: 0, group: 'optimiser', doc: 'L2 weight decay, on conv and dense weights only unless decayAll' },
  decayAll: { type: 'boolean', default: false, group: 'optimiser', doc: 'also decay BN parameters and biases' },
  emaDecay: { type: 'number', default: 0.999, min: 0, max: 1, group: 'optimiser', doc: 'EMA of the weights used for evaluation (0 disables)' },
  emaBuffers: {
    type: 'enum',
    values: ['average', 'copy'],
    default: 'average',
    group: 'optimiser',
    doc: "BN running statistics in the EMA model: averaged like the weights, or copied from the live model as the study's code did"
  },
  evalEvery: { type: 'int', default: 100, min: 1, max: MAX_STEPS, group: 'logging', doc: 'evaluate the EMA model every N steps (and at the end)' },
  logEvery: { type: 'int', default: 10, min: 1, max: MAX_STEPS, group: 'logging', doc: 'record training metrics every N steps' },
  evalBatchSize: { type: 'int', default: 256, min: 1, max: 8192, group: 'logging', doc: 'images per evaluation batch' },
  evalLimit: { type: 'int', default: 0, min: 0, max: 1_000_000, group: 'logging', doc: 'evaluate on N test images spread evenly over the test set (0: all)' },
  checkpointEvery: { type: 'int', default: 500, min: 1, max: MAX_STEPS, group: 'logging', doc: 'write a checkpoint every N steps (and at pause/stop)' },
  backend: {
    type: 'enum',
    values: ['auto', 'node-gpu', 'webgpu', 'node', 'wasm', 'cpu'],
    default: 'auto',
    group: 'system',
    doc: 'tfjs backend: auto takes the fastest present'
  },
  augmentWorkers: {
    type: 'int',
    default: 1,
    min: 0,
    max: 16,
    group: 'system',
    doc: 'worker threads that prepare batches ahead of the step (0: on the training thread)'
  }
} as const satisfies Record<string, FieldSpec>

export type ConfigKey = keyof typeof CONFIG_SCHEMA
type ValueOf<F> = F extends { type: 'int' | 'number' }
  ? number
  : F extends { type: 'boolean' }
    ? boolean
    : F extends { values: readonly (infer V)[] }
      ? V
      : string
export type RunConfig = { -readonly [K in ConfigKey]: ValueOf<(typeof CONFIG_SCHEMA)[K]> }

export function defaultConfig(): RunConfig {
  const config: Record<string, unknown> = {}
  for (const [key, spec] of Object.entries(CONFIG_SCHEMA)) config[key] = spec.default
  return config as RunConfig
}

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string
  ) {
    super(message)
  }
}

export function isConfigKey(key: string): key is ConfigKey {
  // own keys only: "toString" or "__proto__" are found on every object's prototype, and are no fields
  return Object.hasOwn(CONFIG_SCHEMA, key)
}

const unknownKeyMessage = (key: string) => `unknown config key ${JSON.stringify(key)} (known keys: ${Object.keys(CONFIG_SCHEMA).join(', ')})`

/** The field's spec; throws a ConfigError naming an unknown key and the known ones. */
function fieldSpec(key: string): FieldSpec {
  if (!isConfigKey(key)) throw new ConfigError(key, unknownKeyMessage(key))
  return CONFIG_SCHEMA[key]
}

function rangeText(spec: { min: number; max?: number; exclusiveMin?: boolean }): string {
  const low = `${spec.exclusiveMin ? '>' : '>='} ${spec.min}`
  return spec.max === undefined ? low : `${low} and <= ${spec.max}`
}

/** What a field allows, in the words of its error message. */
function expectedText(spec: FieldSpec, value: unknown): string {
  switch (spec.type) {
    case 'int': {
      const what = `an integer ${rangeText(spec)}`
      // past 2^53 a number is not exact: what was read may already differ from what was written
      return Number.isInteger(value) && !Number.isSafeInteger(value) ? `${what} (a number this large is not held exactly)` : what
    }
    case 'number':
      return `a number ${rangeText(spec)}`
    case 'boolean':
      return 'true or false'
    case 'enum':
      return `one of ${spec.values.join(', ')}`
    case 'string':
      return 'a string'
  }
}

/** The zod schema of one field, generated from its spec: every issue says key, value and what is allowed. */
function fieldValidator(key: string, spec: FieldSpec): z.ZodType {
  const error = (issue: { input?: unknown }) => {
    const shown = typeof issue.input === 'bigint' ? String(issue.input) : JSON.stringify(issue.input)
    return `${key}: ${shown} is not allowed; expected ${expectedText(spec, issue.input)}`
  }
  switch (spec.type) {
    case 'int': // z.int() takes safe integers only
      return z.int({ error }).min(spec.min, { error }).max(spec.max, { error })
    case 'number': {
      const low = spec.exclusiveMin ? z.number({ error }).gt(spec.min, { error }) : z.number({ error }).min(spec.min, { error })
      return spec.max === undefined ? low : low.max(spec.max, { error })
    }
    case 'boolean':
      return z.boolean({ error })
    case 'enum':
      return z.enum(spec.values as [string, ...string[]], { error })
    case 'string':
      return z.string({ error })
  }
}

/** The config object's own issues: an unknown key, or not an object at all. */
function configObjectError(issue: z.core.$ZodRawIssue): string {
  return issue.code === 'unrecognized_keys' ? unknownKeyMessage(issue.keys[0]) : 'a config must be an object of key: value pairs'
}

const FIELD_VALIDATORS: Record<string, z.ZodType> = Object.fromEntries(Object.entries(CONFIG_SCHEMA).map(([key, spec]) => [key, fieldValidator(key, spec)]))

/**
 * Some config keys and values, each checked against CONFIG_SCHEMA (generated from it: a key added
 * there is validated with no edit here); unknown keys, Object.prototype's names included, are refused.
 * The defaults are not filled in.
 */
export const partialConfigSchema = z.strictObject(
  Object.fromEntries(Object.entries(FIELD_VALIDATORS).map(([key, field]) => [key, field.optional()])) as {
    [K in ConfigKey]: z.ZodOptional<z.ZodType<RunConfig[K]>>
  },
  { error: configObjectError }
)

/** A whole config: every key present and allowed (what the service sends a trainer). */
export const runConfigSchema = z.strictObject(FIELD_VALIDATORS as { [K in ConfigKey]: z.ZodType<RunConfig[K]> }, { error: configObjectError })

function configError(error: z.ZodError): ConfigError {
  const issue = error.issues[0]
  return new ConfigError(issueField(issue), issue.message)
}

/** Checks one value against its field; returns it typed or throws a ConfigError naming key, value and what is allowed. */
export function checkField(key: string, value: unknown): unknown {
  fieldSpec(key)
  const result = FIELD_VALIDATORS[key].safeParse(value)
  if (!result.success) throw new ConfigError(key, result.error.issues[0].message)
  return result.data
}

/** Cross-field rules that one field alone cannot express. */
function checkConsistency(config: RunConfig): void {
  if (config.dataset === 'folder' && !config.datasetPath) {
    throw new ConfigError('datasetPath', 'datasetPath: required when dataset is "folder"')
  }
  if (config.schedule === 'cosine' && config.minLr > config.lr) {
    throw new ConfigError('minLr', `minLr: ${config.minLr} is larger than lr ${config.lr}`)
  }
}

/** Defaults overlaid with a partial config, every field checked. */
export function resolveConfig(...layers: Record<string, unknown>[]): RunConfig {
  const config: RunConfig = defaultConfig()
  for (const layer of layers) {
    const result = partialConfigSchema.safeParse(layer)
    if (!result.success) throw configError(result.error)
    Object.assign(config, result.data)
  }
  checkConsistency(config)
  return config
}

/** Parses a command-line value ("0.5", "true", "O") into the field's type. */
export function parseFieldValue(key: string, text: string): unknown {
  const spec = fieldSpec(key)
  if (spec.type === 'int' || spec.type === 'number') {
    const n = text.trim() === '' ? NaN : Number(text)
    if (spec.type === 'int' && /^\s*[+-]?\d+\s*$/.test(text) && !Number.isSafeInteger(n)) {
      // refused here, while the digits as typed are at hand: Number() would round them
      throw new ConfigError(key, `${key}: ${text.trim()} is not allowed; expected an integer ${rangeText(spec)}`)
    }
    return Number.isNaN(n) ? text : n
  }
  if (spec.type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text
  return text
}

/** The keys where not all of these configs agree, in schema order, with each config's value ("diff against O", a comparison of N runs). */
export function configSpread(configs: readonly RunConfig[]): { key: ConfigKey; values: unknown[] }[] {
  return (Object.keys(CONFIG_SCHEMA) as ConfigKey[])
    .filter((k) => configs.some((config) => config[k] !== configs[0]![k]))
    .map((key) => ({ key, values: configs.map((config) => config[key]) }))
}

/** A stable text of the config (keys in schema order) for hashing. */
export function canonicalConfig(config: RunConfig): string {
  return JSON.stringify(Object.fromEntries((Object.keys(CONFIG_SCHEMA) as ConfigKey[]).map((k) => [k, config[k]])))
}
