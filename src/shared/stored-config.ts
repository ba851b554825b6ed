// A config read back from storage (a checkpoint, the store, a bundle) was
// written by the version of the app that made it. Keys the schema gained since
// (a new method's keys) get their defaults, so a run paused before the change
// still resumes after it and compares equal to the config it was queued with.
import { defaultConfig, type RunConfig } from './config.ts'

export function storedConfig(stored: RunConfig | Record<string, unknown>): RunConfig {
  return { ...defaultConfig(), ...stored } as RunConfig
}
