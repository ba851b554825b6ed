// <home>/settings.json: the home's own settings (today the slots), read with
// the shared schema. A bad file is refused with its path and the field at
// fault, never silently replaced; a write keeps the keys it does not know
// and goes through a temporary file, so a crash leaves the old file whole.
import fs from 'node:fs'
import path from 'node:path'
import { labSettingsSchema, type LabSettings } from '../../shared/settings.ts'
import { issueField, issueText } from '../../shared/schema-issues.ts'
import { nameFileError, writePrivateFileAtomic } from '../home-files.ts'

export class SettingsFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly field?: string
  ) {
    super(message)
  }

  override get name(): string {
    return 'SettingsFileError'
  }
}

export function settingsFilePath(home: string): string {
  return path.join(home, 'settings.json')
}

/** The file's settings ({} when there is none). */
export function readLabSettings(home: string): LabSettings {
  const file = settingsFilePath(home)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw nameFileError(error, file, 'read the settings file')
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new SettingsFileError(`${file} is not valid JSON (${(error as Error).message}): fix or delete it`, file)
  }
  const parsed = labSettingsSchema.safeParse(raw, { reportInput: true })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issueField(issue)
    throw new SettingsFileError(`${file}: ${field || 'the file'}: ${issueText(issue)}: fix or delete it`, file, field || undefined)
  }
  return parsed.data
}

/** Writes the settings: changes merged into what the file holds (unknown keys kept); undefined removes a key. */
export function writeLabSettings(home: string, changes: Partial<LabSettings>): LabSettings {
  const file = settingsFilePath(home)
  const next: Record<string, unknown> = { ...readLabSettings(home) }
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete next[key]
    else next[key] = value
  }
  const checked = labSettingsSchema.parse(next)
  writePrivateFileAtomic(file, `${JSON.stringify(checked, null, 2)}\n`, 'write the settings file')
  return checked
}
