// A method's own curve (e.g. FreeMatch's global threshold) has a line only for
// the runs of that method: the others never record it.
import { METHOD_DESCRIPTORS } from '../../../shared/methods/index.ts'

const OWNERS = new Map<string, Set<string>>()
for (const method of METHOD_DESCRIPTORS) {
  for (const chart of method.charts ?? []) OWNERS.set(chart.metric, (OWNERS.get(chart.metric) ?? new Set()).add(method.name))
}

/** The runs that can have this metric: all of them, or only those of the methods that own it. */
export function runsWithMetric<R extends { variant: string }>(runs: readonly R[], metric: string): R[] {
  const owners = OWNERS.get(metric)
  return owners ? runs.filter((run) => owners.has(run.variant)) : [...runs]
}
