// The experiment editor's logic, read from the schema: which fields exist and
// where they go, raw input text -> typed values with checkField's messages,
// the seeds list, and the diff against the FixMatch (O) baseline.
import type { Commands, DatasetAvailability } from '../../../shared/api.ts'
import {
  CONFIG_SCHEMA,
  ConfigError,
  VARIANTS,
  checkField,
  isConfigKey,
  configSpread,
  parseFieldValue,
  resolveConfig,
  type ConfigKey,
  type FieldSpec,
  type RunConfig,
  type Variant
} from '../../../shared/config.ts'

export type PresetOption = Commands['presets/list'][1][number]
export type Group = FieldSpec['group']

const GROUP_TITLES: Readonly<Record<Group, string>> = {
  data: 'Data',
  method: 'Method',
  model: 'Model',
  optimiser: 'Optimiser',
  schedule: 'Schedule',
  logging: 'Evaluation and logging',
  system: 'System'
}
const GROUP_ORDER: readonly Group[] = ['data', 'method', 'model', 'optimiser', 'schedule', 'logging', 'system']

/** Keys the editor shows in its own prominent controls rather than in the groups. */
const PROMINENT_KEYS: readonly ConfigKey[] = ['labelsPerClass']
/** Set per run by the experiment (variants x seeds), never edited as one value. */
const PER_RUN_KEYS: readonly ConfigKey[] = ['variant', 'seed']

const ALL_KEYS = Object.keys(CONFIG_SCHEMA) as ConfigKey[]

export function specOf(key: ConfigKey): FieldSpec {
  return CONFIG_SCHEMA[key] as FieldSpec
}

export function groupedFields(): { group: Group; title: string; keys: ConfigKey[] }[] {
  return GROUP_ORDER.map((group) => ({
    group,
    title: GROUP_TITLES[group],
    keys: ALL_KEYS.filter((key) => specOf(key).group === group && !PROMINENT_KEYS.includes(key) && !PER_RUN_KEYS.includes(key))
  })).filter((entry) => entry.keys.length > 0)
}

/** What the allowed values are, in words, for the help text. */
export function allowedText(key: ConfigKey): string {
  const spec = specOf(key)
  switch (spec.type) {
    case 'int':
    case 'number': {
      const kind = spec.type === 'int' ? 'integer' : 'number'
      const low = `${spec.type === 'number' && spec.exclusiveMin ? '>' : '≥'} ${spec.min}`
      return spec.max === undefined ? `${kind} ${low}` : `${kind} ${low} and ≤ ${spec.max}`
    }
    case 'enum':
      return `one of ${spec.values.join(', ')}`
    case 'boolean':
      return 'on or off'
    case 'string':
      return 'text'
  }
}

/** The raw values of the inputs: numbers as typed text, so "0." can be typed without being coerced. */
export type Draft = Record<ConfigKey, string | boolean>

export function draftFromConfig(config: RunConfig): Draft {
  const draft = {} as Draft
  for (const key of ALL_KEYS) {
    const value = config[key]
    draft[key] = typeof value === 'boolean' ? value : String(value)
  }
  return draft
}

/** The typed value of one input, or checkField's message naming the key and what is allowed. */
function readField(key: ConfigKey, raw: string | boolean): { value: unknown; error?: undefined } | { value?: undefined; error: string } {
  try {
    const parsed = typeof raw === 'boolean' ? raw : parseFieldValue(key, raw.trim())
    return { value: checkField(key, parsed) }
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) }
  }
}

export interface DraftCheck {
  /** the full config when every field and cross-field rule holds */
  config: RunConfig | null
  errors: Partial<Record<ConfigKey, string>>
  /** the typed value of every field that is allowed on its own (all but those in errors) */
  values: Partial<RunConfig>
}

export function checkDraft(draft: Draft): DraftCheck {
  const errors: Partial<Record<ConfigKey, string>> = {}
  const values: Record<string, unknown> = {}
  for (const key of ALL_KEYS) {
    const read = readField(key, draft[key])
    if (read.error !== undefined) errors[key] = read.error
    else values[key] = read.value
  }
  const valid = values as Partial<RunConfig>
  if (Object.keys(errors).length > 0) return { config: null, errors, values: valid }
  try {
    return { config: resolveConfig(values), errors, values: valid }
  } catch (error) {
    // cross-field rules (datasetPath for folders, minLr <= lr) name their key too
    if (error instanceof ConfigError && isConfigKey(error.key)) return { config: null, errors: { [error.key as ConfigKey]: error.message }, values: valid }
    throw error
  }
}

/** "1, 2, 3" or "1 2 3" -> [1, 2, 3]; every seed checked like the schema's seed field. */
export function parseSeeds(text: string): { seeds: number[]; error?: undefined } | { seeds?: undefined; error: string } {
  const parts = text.split(/[\s,;]+/).filter(Boolean)
  if (parts.length === 0) return { error: 'seeds: give at least one seed, like 1,2,3' }
  const seeds: number[] = []
  for (const part of parts) {
    const read = readField('seed', part)
    if (read.error !== undefined) return { error: `seeds: "${part}" is not allowed; expected integers ≥ 0 separated by commas, like 1,2,3` }
    const seed = read.value as number
    if (seeds.includes(seed)) return { error: `seeds: ${seed} is listed twice; each seed runs once per variant` }
    seeds.push(seed)
  }
  return { seeds }
}

export function variantsError(variants: readonly Variant[]): string | null {
  return variants.length === 0 ? `variants: tick at least one of ${VARIANTS.join(', ')}` : null
}

/** FixMatch (O) with the preset's settings: what every edit is compared against. */
export function baselineConfig(preset: PresetOption | undefined): RunConfig {
  return resolveConfig(preset?.config ?? {}, { variant: 'O' })
}

/**
 * The keys where this experiment differs from the O baseline; variant and seed are set per run, so left out.
 * `edited` may be partial (checkDraft's values while a field is invalid): a key it lacks is not a difference,
 * so the diff of the fields already typed stays in view while another one is being fixed.
 */
export function diffAgainstBaseline(baseline: RunConfig, edited: Partial<RunConfig>): ReturnType<typeof configSpread> {
  return configSpread([baseline, { ...baseline, ...edited, variant: baseline.variant, seed: baseline.seed }])
}

/** The draft a preset starts from (custom: every schema default). */
export function presetDraft(preset: PresetOption | undefined): Draft {
  return draftFromConfig(resolveConfig(preset?.config ?? {}))
}

/**
 * What switching away from this preset would discard: the fields typed differently from the
 * preset's draft (as text: "0.10" for 0.1 counts, it was typed) and the variants if changed.
 */
export function editsSincePreset(draft: Draft, variants: readonly Variant[], preset: PresetOption | undefined): string[] {
  const start = presetDraft(preset)
  const keys: string[] = ALL_KEYS.filter((key) => !PER_RUN_KEYS.includes(key) && draft[key] !== start[key])
  const startVariants = preset ? preset.defaultVariants : variants
  const sameVariants = startVariants.length === variants.length && startVariants.every((v) => variants.includes(v))
  return sameVariants ? keys : [...keys, 'variants']
}

/** What a field's hint says it starts at: the preset's value ("mnist-quick: 64"), or the schema default for a custom experiment. */
export function fieldHint(key: ConfigKey, presetName: string | undefined, presetConfig: RunConfig): string {
  const value = presetConfig[key]
  return `${presetName ? `${presetName}:` : 'default'} ${value === '' ? 'empty' : String(value)}`
}

/** A name that says what the experiment is, until the user types one. */
export function suggestedName(dataset: string, labelsPerClass: string | number, variants: readonly Variant[]): string {
  const ordered = VARIANTS.filter((v) => variants.includes(v))
  return `${dataset} · ${labelsPerClass} labels/class · ${ordered.join(', ') || 'no variant'}`
}

/** The request for 'experiments/create'; the config without the per-run keys. */
export function createRequest(input: {
  name: string
  preset: string | undefined
  config: RunConfig
  variants: readonly Variant[]
  seeds: readonly number[]
}): Commands['experiments/create'][0] {
  const config: Partial<RunConfig> = { ...input.config }
  delete config.variant
  delete config.seed
  return {
    name: input.name.trim() || suggestedName(input.config.dataset, input.config.labelsPerClass, input.variants),
    ...(input.preset ? { preset: input.preset } : {}),
    config,
    variants: VARIANTS.filter((v) => input.variants.includes(v)),
    seeds: [...input.seeds]
  }
}

/**
 * The warning for a config whose dataset this lab's home does not have (CIFAR
 * not imported): its runs would fail as soon as they start. Undefined when it
 * is there, needs no import (an image folder), or the service has not said.
 */
export function missingDatasetWarning(dataset: unknown, datasets: readonly DatasetAvailability[] | undefined): string | undefined {
  const entry = datasets?.find((d) => d.name === dataset)
  if (!entry || entry.installed) return undefined
  return `${entry.howToGet ?? `${entry.name} is not in the lab's home folder.`} Until then, its runs fail as soon as they start.`
}
