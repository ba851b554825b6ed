// Shared by the store tests: temporary homes, a raw connection beside the
// store, and a pinned clock.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach } from 'vitest'
import { openStore, storePaths, type OpenStoreOptions, type RunStore } from '../../src/main/store/index.ts'

const homes: string[] = []
const stores: RunStore[] = []

afterEach(() => {
  for (const store of stores.splice(0)) store.close()
  for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true })
})

export function tempHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fixmatch-store-'))
  homes.push(home)
  return home
}

/** A clock that ticks 1 ms per reading from a fixed start, so order is visible and results are stable. */
export function testClock(start = Date.UTC(2025, 0, 1)): () => number {
  let t = start
  return () => t++
}

/** Opens a store that the test's cleanup closes. */
export function open(home: string, options: OpenStoreOptions = {}): RunStore {
  const store = openStore(home, { now: testClock(), ...options })
  stores.push(store)
  return store
}

export function dbFile(home: string): string {
  return storePaths(home).file
}

/** A second, raw connection to the store's file (tests use it to look under the API). */
export function raw(home: string): Database.Database {
  return new Database(dbFile(home))
}

/** The store's own connection, for pragmas a test needs (max_page_count). */
export function connectionOf(store: RunStore): Database.Database {
  return (store as unknown as { db: Database.Database }).db
}

/** What opening the store in this home throws (undefined if it opens). */
export function openError(home: string, options: OpenStoreOptions = {}): unknown {
  try {
    openStore(home, options).close()
    return undefined
  } catch (error) {
    return error
  }
}
