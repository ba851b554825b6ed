// Links to runs in the hash routes: one run's page, or the comparison of several.

/** "#/runs/12" for one run, "#/compare?runs=1,2,5" for several, null for none. */
export function runsHref(runIds: readonly number[]): string | null {
  if (runIds.length === 0) return null
  return runIds.length === 1 ? `#/runs/${runIds[0]}` : `#/compare?runs=${runIds.join(',')}`
}
