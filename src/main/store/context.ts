// What every table module gets: the connection, the file (for error
// messages) and the clock (injectable so tests are deterministic).
import type { Database } from 'better-sqlite3'

export interface StoreContext {
  db: Database
  path: string
  /** milliseconds since the epoch */
  now(): number
}
