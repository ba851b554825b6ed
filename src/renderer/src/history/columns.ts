// The runs table's columns: what each shows for a run, as a value to sort and
// filter by and as text; the fixed columns, then any config key the user adds.
import type { ExperimentRecord, RunRecord } from '../../../shared/api.ts'
import { CONFIG_SCHEMA, isConfigKey, type ConfigKey } from '../../../shared/config.ts'
import { formatDuration } from '../../../shared/format.ts'
import { recordResults } from '../../../shared/results/run-results.ts'

/** A cell's value: numbers sort as numbers, text as text, null (nothing recorded) last. */
export type CellValue = number | string | boolean | null

export interface RunColumn {
  /** the name a filter expression and the column chooser use ("top1", "lr") */
  key: string
  title: string
  /** the header's tooltip, where the title is short */
  hint?: string
  value: (run: RunRecord, experiments: ReadonlyMap<number, string>) => CellValue
  text?: (value: CellValue) => string
}

const percent = (value: CellValue) => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(2) : '-')
const finite = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? null : value)

/** The fixed columns, in the order shown. */
export const BASE_COLUMNS: readonly RunColumn[] = [
  { key: 'id', title: '#', value: (run) => run.id },
  { key: 'status', title: 'Status', value: (run) => run.status },
  { key: 'variant', title: 'Variant', value: (run) => run.variant },
  { key: 'seed', title: 'Seed', value: (run) => run.seed },
  { key: 'experiment', title: 'Experiment', value: (run, names) => (run.experimentId === null ? null : (names.get(run.experimentId) ?? null)) },
  { key: 'dataset', title: 'Dataset', value: (run) => run.config.dataset },
  { key: 'labels', title: 'Labels', hint: 'labeled images per class', value: (run) => run.config.labelsPerClass },
  {
    key: 'steps',
    title: 'Steps',
    hint: 'steps trained',
    value: (run) => run.step,
    text: (value) => (typeof value === 'number' ? value.toLocaleString('en-US') : '-')
  },
  // top1 is the final evaluation's, the number a run is usually quoted by
  {
    key: 'top1',
    title: 'Top-1',
    hint: 'top-1 % of the EMA model at the final evaluation (filter: top1)',
    value: (run) => finite(recordResults(run)?.final),
    text: percent
  },
  { key: 'best', title: 'Best', hint: 'the best top-1 % over all evaluations (filter: best)', value: (run) => finite(recordResults(run)?.best), text: percent },
  {
    key: 'median20',
    title: 'Median 20',
    hint: 'the median top-1 % of the last 20 evaluations (filter: median20)',
    value: (run) => finite(recordResults(run)?.medianLast20.value),
    text: percent
  },
  {
    key: 'time',
    title: 'Time',
    hint: 'train time, pauses excluded (filter: time, in seconds)',
    value: (run) => (run.trainSeconds > 0 ? run.trainSeconds : null),
    text: (value) => (typeof value === 'number' ? formatDuration(value) : '-')
  }
]

/** The config keys the chooser offers (those not already a fixed column). */
export const CONFIG_COLUMN_KEYS: readonly ConfigKey[] = (Object.keys(CONFIG_SCHEMA) as ConfigKey[]).filter(
  (key) => !['dataset', 'labelsPerClass', 'seed', 'variant'].includes(key)
)

export function configColumn(key: ConfigKey): RunColumn {
  return { key, title: key, value: (run) => (run.config[key] as CellValue | undefined) ?? null }
}

/** The fixed columns and the chosen config keys (unknown keys, e.g. from an older app's storage, are dropped). */
export function tableColumns(chosen: readonly string[]): RunColumn[] {
  const extra = chosen.filter((key) => isConfigKey(key) && CONFIG_COLUMN_KEYS.includes(key)) as ConfigKey[]
  return [...BASE_COLUMNS, ...extra.map(configColumn)]
}

/** Any column a filter may name: the fixed ones and every config key. */
export function findColumn(key: string): RunColumn | undefined {
  return BASE_COLUMNS.find((column) => column.key === key) ?? (isConfigKey(key) ? configColumn(key) : undefined)
}

export function cellText(column: RunColumn, value: CellValue): string {
  if (column.text) return column.text(value)
  return value === null || value === '' ? '-' : String(value)
}

export type SortDirection = 'asc' | 'desc'

function compareValues(a: CellValue, b: CellValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a).localeCompare(String(b), 'en', { numeric: true })
}

/** Sorted by the column (stable, ties by id); runs without a value go last in either direction. */
export function sortRuns(runs: readonly RunRecord[], column: RunColumn, direction: SortDirection, experiments: readonly ExperimentRecord[]): RunRecord[] {
  const names = experimentNames(experiments)
  const sign = direction === 'asc' ? 1 : -1
  return runs
    .map((run) => ({ run, value: column.value(run, names) }))
    .sort((x, y) => {
      if (x.value === null || y.value === null) return x.value === y.value ? x.run.id - y.run.id : x.value === null ? 1 : -1
      return sign * compareValues(x.value, y.value) || x.run.id - y.run.id
    })
    .map(({ run }) => run)
}

export function experimentNames(experiments: readonly ExperimentRecord[]): Map<number, string> {
  return new Map(experiments.map((e) => [e.id, e.name]))
}
