// Reading stored values back: JSON columns are parsed with an error that
// names the table, column and row, since a damaged row should say where it is.
import { StoreError } from './errors.ts'

export class StoredDataError extends StoreError {}

export function parseJsonColumn<T>(text: string | null, where: string): T | undefined {
  if (text === null || text === undefined) return undefined
  try {
    return JSON.parse(text) as T
  } catch {
    throw new StoredDataError(`${where}: stored JSON is damaged (${text.slice(0, 40)}...)`)
  }
}

/** better-sqlite3 returns rowids as numbers unless they overflow; ours never do. */
export function rowId(value: number | bigint): number {
  return Number(value)
}
