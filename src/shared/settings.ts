// The home's own settings (<home>/settings.json), written once as a zod schema:
// the service reads the file with it, and 'settings/set' takes its fields.
// Plain data only: no Node, no DOM.
import { z } from 'zod'

/** More trainers than this at once is a typo, not a machine. */
export const MAX_SLOTS = 256

const slotsWords = `expected an integer from 1 to ${MAX_SLOTS}`
/** How many trainers the service runs at once. */
export const slotsSchema = z.int({ error: slotsWords }).min(1, { error: slotsWords }).max(MAX_SLOTS, { error: slotsWords })

/** The file's fields; keys of newer versions are kept when it is written back. */
export const labSettingsSchema = z.looseObject({
  /** absent: the default (one per core on a CPU backend, one on a GPU) */
  slots: slotsSchema.optional()
})
export type LabSettings = z.infer<typeof labSettingsSchema>

export const SLOTS_SOURCES = ['cli', 'file', 'default'] as const

/** What 'settings/get' answers: the slots in effect, where they come from, and the default. */
export const settingsViewSchema = z.object({
  slots: z.number(),
  /** cli: `--slots` of this process; file: settings.json; default: neither */
  source: z.enum(SLOTS_SOURCES),
  /** the value saved in settings.json, if any */
  saved: z.number().nullable(),
  defaultSlots: z.number(),
  /** why the default is what it is, in words ("one per core on wasm (2 cores)") */
  defaultReason: z.string(),
  /** trainers running now (more than slots after lowering it: none is stopped, no new one starts) */
  running: z.number(),
  /** the settings file's path */
  file: z.string()
})
export type SettingsView = z.infer<typeof settingsViewSchema>
