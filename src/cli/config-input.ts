// Builds a run config from --preset, --config FILE and --set key=value flags,
// checked against the schema before anything runs.
import { readFileSync } from 'node:fs'
import YAML from 'yaml'
import { ConfigError, parseFieldValue, resolveConfig, type RunConfig } from '../shared/config.ts'
import { getPreset } from '../shared/presets.ts'
import { CliError } from './args.ts'

export function readConfigFile(file: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new CliError(`cannot read config file ${file}: ${(err as Error).message}`)
  }
  const yaml = /\.ya?ml$/i.test(file)
  let parsed: unknown
  try {
    // YAML integers as BigInt, so that one too large to hold exactly is refused as written, not rounded
    parsed = yaml ? YAML.parse(text, { intAsBigInt: true }) : JSON.parse(text)
  } catch (err) {
    throw new CliError(`config file ${file} is not valid ${yaml ? 'YAML' : 'JSON'}: ${(err as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CliError(`config file ${file} must hold an object of key: value pairs`)
  return yaml ? exactNumbers(parsed as Record<string, unknown>) : (parsed as Record<string, unknown>)
}

/** BigInts that a number holds exactly become numbers; the others stay, for the schema check to refuse with their digits. */
function exactNumbers(layer: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(layer).map(([key, value]) => [key, typeof value === 'bigint' && Number.isSafeInteger(Number(value)) ? Number(value) : value])
  )
}

export function parseSets(sets: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const item of sets) {
    const eq = item.indexOf('=')
    if (eq <= 0) throw new CliError(`--set expects key=value, got "${item}"`)
    const key = item.slice(0, eq).trim()
    try {
      out[key] = parseFieldValue(key, item.slice(eq + 1))
    } catch (err) {
      throw new CliError((err as Error).message)
    }
  }
  return out
}

export function buildConfig(input: { preset?: string; configFile?: string; sets?: string[] }, extra: Record<string, unknown> = {}): RunConfig {
  const layers: Record<string, unknown>[] = []
  try {
    if (input.preset) layers.push(getPreset(input.preset).config)
  } catch (err) {
    throw new CliError((err as Error).message)
  }
  if (input.configFile) layers.push(readConfigFile(input.configFile))
  layers.push(parseSets(input.sets), extra)
  try {
    return resolveConfig(...layers)
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`bad config: ${err.message}`)
    throw err
  }
}

/** --backend B as a config layer (checked with the rest). */
export function backendOverride(flag: string | undefined): Record<string, unknown> {
  return flag === undefined ? {} : { backend: flag }
}
