// History's search: runs matched by experiment name, tag, variant, note,
// dataset or "#id", then grouped under their experiment.
import type { ExperimentRecord, RunRecord } from '../../../shared/api.ts'
import type { Variant } from '../../../shared/config.ts'

export interface HistoryFilter {
  query: string
  variant: Variant | ''
  tag: string
}

export function filterRuns(runs: readonly RunRecord[], experiments: readonly ExperimentRecord[], filter: HistoryFilter): RunRecord[] {
  const names = new Map(experiments.map((e) => [e.id, e.name]))
  const words = filter.query.toLowerCase().split(/\s+/).filter(Boolean)
  return runs.filter((run) => {
    if (filter.variant && run.variant !== filter.variant) return false
    if (filter.tag && !run.tags.includes(filter.tag)) return false
    const text = [
      `#${run.id}`,
      run.experimentId === null ? '' : (names.get(run.experimentId) ?? ''),
      run.variant,
      run.status,
      run.config.dataset,
      run.note ?? '',
      ...run.tags
    ]
      .join(' ')
      .toLowerCase()
    // every word must match somewhere: "cifar10 U" narrows, it does not widen
    return words.every((word) => text.includes(word))
  })
}

export interface RunGroup {
  experiment: ExperimentRecord | null
  runs: RunRecord[]
}

/** Newest experiment first; runs outside any experiment last. */
export function groupByExperiment(runs: readonly RunRecord[], experiments: readonly ExperimentRecord[]): RunGroup[] {
  const groups = new Map<number | null, RunRecord[]>()
  for (const run of runs) {
    const list = groups.get(run.experimentId) ?? []
    list.push(run)
    groups.set(run.experimentId, list)
  }
  const byId = new Map(experiments.map((e) => [e.id, e]))
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : b - a))
    .map(([id, list]) => ({ experiment: id === null ? null : (byId.get(id) ?? null), runs: list.sort((x, y) => x.id - y.id) }))
}

export function allTags(runs: readonly RunRecord[]): string[] {
  return [...new Set(runs.flatMap((run) => run.tags))].sort((a, b) => a.localeCompare(b))
}

/** "baseline, night 1 ,baseline" -> ["baseline", "night 1"] */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean)
    )
  ]
}
