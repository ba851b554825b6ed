// The schema, as an ordered list of migrations. Each is applied once, in its
// own transaction, and recorded in schema_migrations. Never edit a released
// migration: append a new one.
import type { Database } from 'better-sqlite3'

export interface Migration {
  version: number
  name: string
  up(db: Database): void
}

/** PRAGMA application_id of our databases ('FMLB'), to tell them from other SQLite files. */
export const APPLICATION_ID = 0x464d4c42

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'experiments, runs and metrics',
    up(db) {
      db.exec(`
        CREATE TABLE experiments (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          description TEXT NOT NULL DEFAULT '',
          preset TEXT,
          base_config TEXT,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE runs (
          id INTEGER PRIMARY KEY,
          experiment_id INTEGER REFERENCES experiments(id) ON DELETE SET NULL,
          retry_of INTEGER REFERENCES runs(id) ON DELETE SET NULL,
          config TEXT NOT NULL,
          config_hash TEXT NOT NULL,
          variant TEXT NOT NULL,
          seed INTEGER NOT NULL,
          split_hash TEXT,
          status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'interrupted', 'finished', 'failed', 'cancelled')),
          queue_position INTEGER,
          created_at INTEGER NOT NULL,
          started_at INTEGER,
          finished_at INTEGER,
          train_seconds REAL NOT NULL DEFAULT 0,
          step INTEGER NOT NULL DEFAULT 0,
          total_steps INTEGER NOT NULL,
          backend TEXT,
          device TEXT,
          app_version TEXT,
          library_versions TEXT NOT NULL DEFAULT '{}',
          os TEXT,
          error TEXT,
          last_heartbeat_at INTEGER
        );
        CREATE INDEX runs_by_experiment ON runs(experiment_id);
        CREATE INDEX runs_by_status ON runs(status);
        CREATE INDEX runs_by_config_hash ON runs(config_hash);
        CREATE UNIQUE INDEX runs_by_queue_position ON runs(queue_position) WHERE queue_position IS NOT NULL;

        -- metric names are few and repeat on every row: store them once
        CREATE TABLE metric_names (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE
        );
        -- the big table, clustered by (run, name, step): a chart reads one contiguous range
        CREATE TABLE metrics (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          name_id INTEGER NOT NULL REFERENCES metric_names(id),
          step INTEGER NOT NULL,
          value REAL NOT NULL,
          wall_time INTEGER NOT NULL,
          PRIMARY KEY (run_id, name_id, step)
        ) WITHOUT ROWID;
        -- kept up to date with every metric batch, so listing runs never reads metrics
        CREATE TABLE run_summary (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          name_id INTEGER NOT NULL REFERENCES metric_names(id),
          last REAL NOT NULL,
          last_step INTEGER NOT NULL,
          best REAL NOT NULL,
          min REAL NOT NULL,
          max REAL NOT NULL,
          count INTEGER NOT NULL,
          PRIMARY KEY (run_id, name_id)
        ) WITHOUT ROWID;
      `)
    }
  },
  {
    version: 2,
    name: 'events and checkpoints',
    up(db) {
      db.exec(`
        CREATE TABLE events (
          id INTEGER PRIMARY KEY,
          run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
          time INTEGER NOT NULL,
          level TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
          kind TEXT NOT NULL,
          message TEXT NOT NULL,
          data TEXT
        );
        CREATE INDEX events_by_run ON events(run_id, id);
        CREATE TABLE checkpoints (
          id INTEGER PRIMARY KEY,
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          step INTEGER NOT NULL,
          path TEXT NOT NULL,
          bytes INTEGER NOT NULL,
          sha256 TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX checkpoints_by_run ON checkpoints(run_id, step);
      `)
    }
  },
  {
    version: 3,
    name: 'tags and notes',
    up(db) {
      db.exec(`
        CREATE TABLE tags (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          tag TEXT NOT NULL,
          PRIMARY KEY (run_id, tag)
        ) WITHOUT ROWID;
        CREATE INDEX tags_by_tag ON tags(tag);
        CREATE TABLE notes (
          id INTEGER PRIMARY KEY,
          run_id INTEGER UNIQUE REFERENCES runs(id) ON DELETE CASCADE,
          experiment_id INTEGER UNIQUE REFERENCES experiments(id) ON DELETE CASCADE,
          text TEXT NOT NULL,
          updated_at INTEGER NOT NULL,
          CHECK ((run_id IS NULL) <> (experiment_id IS NULL))
        );
      `)
    }
  },
  {
    version: 4,
    name: 'runs by creation time',
    up(db) {
      // listing and paging walk this index instead of sorting every run
      db.exec('CREATE INDEX runs_by_created_at ON runs(created_at, id)')
    }
  },
  {
    version: 5,
    name: 'each run has an executor',
    up(db) {
      // a run trains where its executor puts it: a local trainer process, or a Slurm job (its options and job id kept with it)
      db.exec(`
        ALTER TABLE runs ADD COLUMN executor TEXT NOT NULL DEFAULT 'local' CHECK (executor IN ('local', 'slurm'));
        ALTER TABLE runs ADD COLUMN slurm_options TEXT;
        ALTER TABLE runs ADD COLUMN slurm_job_id TEXT;
      `)
    }
  },
  {
    version: 6,
    name: 'diagnostics per evaluation',
    up(db) {
      // one row per evaluation: the confusion matrix is classes^2 counts, too many for the metrics table;
      // the blobs are uint32 little-endian (count-blob.ts). class_counts: per class the right ones, then the images,
      // so accuracy over steps reads C-sized blobs, not the matrices. pseudo_counts: per class the pseudo-labels,
      // then those kept, over pseudo_steps steps (NULL for a method without). samples: JSON of image indices.
      // A rowid table: its rows are large (WITHOUT ROWID suits small ones).
      db.exec(`
        CREATE TABLE run_diagnostics (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          step INTEGER NOT NULL,
          classes INTEGER NOT NULL CHECK (classes >= 1),
          confusion BLOB NOT NULL,
          class_counts BLOB NOT NULL,
          pseudo_steps INTEGER,
          pseudo_counts BLOB,
          samples TEXT NOT NULL DEFAULT '{}',
          wall_time INTEGER NOT NULL,
          PRIMARY KEY (run_id, step)
        );
      `)
    }
  }
]

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version

/** Versions recorded in the database, ascending (empty for a new database). */
export function appliedVersions(db: Database): number[] {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get()
  if (!table) return []
  return db
    .prepare('SELECT version FROM schema_migrations ORDER BY version')
    .pluck()
    .all()
    .map((v) => Number(v))
}

/** Applies the migrations not yet recorded, in order, each in its own transaction; returns the versions applied. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS, now: () => number = Date.now): number[] {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)')
    db.pragma(`application_id = ${APPLICATION_ID}`)
  })()
  const done = new Set(appliedVersions(db))
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
  const applied: number[] = []
  for (const migration of migrations) {
    if (done.has(migration.version)) continue
    db.transaction(() => {
      migration.up(db)
      record.run(migration.version, migration.name, now())
    })()
    applied.push(migration.version)
  }
  return applied
}
