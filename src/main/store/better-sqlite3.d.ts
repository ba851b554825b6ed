// The slice of better-sqlite3 12's API the store uses (@types/better-sqlite3 is
// not installed). Delete this file if those types are ever added.
declare module 'better-sqlite3' {
  // Types only: merges with the constructor below, so `import type { Statement } from 'better-sqlite3'` works.
  namespace Database {
    interface RunResult {
      changes: number
      lastInsertRowid: number | bigint
    }

    interface Statement<Row = unknown> {
      run(...params: unknown[]): RunResult
      get(...params: unknown[]): Row | undefined
      all(...params: unknown[]): Row[]
      iterate(...params: unknown[]): IterableIterator<Row>
      /** rows as arrays of column values */
      raw(toggle?: boolean): Statement<unknown[]>
      /** the first column only */
      pluck(toggle?: boolean): Statement<unknown>
      readonly reader: boolean
      readonly source: string
    }

    interface Transaction<F extends (...args: never[]) => unknown> {
      (...args: Parameters<F>): ReturnType<F>
      deferred(...args: Parameters<F>): ReturnType<F>
      immediate(...args: Parameters<F>): ReturnType<F>
      exclusive(...args: Parameters<F>): ReturnType<F>
    }

    interface Options {
      readonly?: boolean
      fileMustExist?: boolean
      /** busy timeout in milliseconds */
      timeout?: number
      verbose?: (message?: unknown, ...more: unknown[]) => void
      nativeBinding?: string
    }

    interface Database {
      prepare<Row = unknown>(sql: string): Statement<Row>
      transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F>
      exec(sql: string): this
      pragma(sql: string, options?: { simple?: boolean }): unknown
      close(): this
      readonly open: boolean
      readonly inTransaction: boolean
      readonly name: string
      readonly readonly: boolean
      readonly memory: boolean
    }

    interface SqliteError extends Error {
      code: string
    }
  }

  interface DatabaseConstructor {
    new (filename?: string, options?: Database.Options): Database.Database
    (filename?: string, options?: Database.Options): Database.Database
    SqliteError: new (message: string, code: string) => Database.SqliteError
  }

  const Database: DatabaseConstructor
  export = Database
}
