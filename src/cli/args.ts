// Flag parsing shared by the sub-commands, on node:util parseArgs.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { MAX_SLOTS } from '../shared/settings.ts'
import { EXECUTORS, type Executor } from '../shared/executor.ts'
import type { ExitKind } from './exit-codes.ts'

/** An error the CLI explains in one line, without a stack trace; its kind picks the exit status (exit-codes.ts). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly kind: ExitKind = 'usage'
  ) {
    super(message)
  }
}

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true })
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${usage}`)
  }
}

export function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  // digits only (no "1e3", "0x10" or ""), and few enough that the number holds them exactly
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new CliError(`--${flag} must be a positive integer up to ${Number.MAX_SAFE_INTEGER}, got "${value}"`)
  }
  return n
}

export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliError(`--${flag} must be one of ${allowed.join(', ')}, got "${value}"`)
  }
  return value as T
}

/** `--slots N`: runs trained at once by this process (absent: the home's settings file, else the default). */
export function slotsFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\s*\d+\s*$/.test(value) || n < 1 || n > MAX_SLOTS) throw new CliError(`--slots must be an integer from 1 to ${MAX_SLOTS}, got "${value}"`)
  return n
}

export const SLOTS_USAGE = `--slots N trains up to N runs at once (default: <home>/settings.json's "slots", else one per core on a CPU backend, one on a GPU)`

/** `--executor local|slurm`: where the runs this service queues without one train (absent: local). */
export function executorFlag(value: string | undefined): Executor | undefined {
  return value === undefined ? undefined : oneOf('executor', value, EXECUTORS, 'local')
}

export const EXECUTOR_USAGE = `--executor slurm submits the runs it queues without an executor as Slurm jobs (default local: trainer processes here)`
