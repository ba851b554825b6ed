// History's search: runs matched by experiment name, tag, variant, note,
// dataset or "#id" (the runs table's filter expressions are in expression.ts).
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
