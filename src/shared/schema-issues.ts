// How a zod issue reads to a person: the field is its path joined with '.'
// ("run.step", "variants.1"), the text the schema's own words plus the value
// that was refused. One rule for the contract, the import format and bundles.
import type { z } from 'zod'

export function issueField(issue: z.core.$ZodIssue, root = ''): string {
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path
  return path.length ? path.map(String).join('.') : root
}

/** The schema's message, then what was given (parse with reportInput: true); refinements say it themselves. */
export function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom' || issue.code === 'unrecognized_keys') return issue.message
  return `${issue.message}, got ${shownValue(issue.input)}`
}

/** A value as a short text for a message. */
export function shownValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  const shown = typeof value === 'bigint' ? String(value) : JSON.stringify(value)
  return shown === undefined ? String(value) : shown.length > 60 ? `${shown.slice(0, 57)}...` : shown
}
