// The config keys the user added to the runs table, kept in localStorage so that
// they are there after a reload; storage that is missing, full or holds garbage
// gives no extra columns rather than an error.
import { CONFIG_COLUMN_KEYS } from './columns.ts'

export const CHOSEN_COLUMNS_KEY = 'fixmatch-lab.history.columns'

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>

export function loadChosenColumns(storage: Storage | undefined): string[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(CHOSEN_COLUMNS_KEY) ?? '[]')
    return Array.isArray(parsed)
      ? parsed.filter((key): key is string => typeof key === 'string' && (CONFIG_COLUMN_KEYS as readonly string[]).includes(key))
      : []
  } catch {
    return []
  }
}

export function saveChosenColumns(storage: Storage | undefined, keys: readonly string[]): void {
  try {
    storage?.setItem(CHOSEN_COLUMNS_KEY, JSON.stringify(keys))
  } catch {
    // private mode or a full quota: the columns last until the page closes
  }
}
