// The app's address: hash routes that survive a reload and a second tab.
// #/live ... #/datasets are the views (the older #live form still parses),
// #/runs/12 a run's page, #/experiments/3 the Results of experiment 3, and
// #/compare?runs=1,2,5 any number of runs side by side. Pure functions: the
// shell (App.vue) listens to hashchange and renders what parseRoute says.
import type { ViewName } from './components/NavTabs.vue'

export type Route =
  { kind: 'view'; view: ViewName } | { kind: 'run'; runId: number } | { kind: 'experiment'; experimentId: number } | { kind: 'compare'; runIds: number[] }

const VIEWS: readonly ViewName[] = ['experiment', 'live', 'results', 'queue', 'history', 'datasets']

/** A database id as the address writes it: digits only, no leading zero, a safe integer. */
function idFrom(text: string | undefined): number | null {
  if (!text || !/^[1-9]\d*$/.test(text)) return null
  const id = Number(text)
  return Number.isSafeInteger(id) ? id : null
}

/** The route of a location.hash ("#/runs/12", "#live", ""), or null when it names none. */
export function parseRoute(hash: string): Route | null {
  const raw = hash.replace(/^#\/?/, '')
  const question = raw.indexOf('?')
  const path = question < 0 ? raw : raw.slice(0, question)
  const query = new URLSearchParams(question < 0 ? '' : raw.slice(question + 1))
  const parts = path.split('/').filter(Boolean)
  if (parts.length === 1) {
    const [name] = parts
    if ((VIEWS as readonly string[]).includes(name!)) return { kind: 'view', view: name as ViewName }
    if (name === 'compare') return compareRoute(query.get('runs'))
    return null
  }
  if (parts.length === 2) {
    const id = idFrom(parts[1])
    if (id === null) return null
    if (parts[0] === 'runs') return { kind: 'run', runId: id }
    if (parts[0] === 'experiments') return { kind: 'experiment', experimentId: id }
  }
  return null
}

function compareRoute(list: string | null): Route | null {
  const runIds: number[] = []
  for (const item of (list ?? '').split(',').filter(Boolean)) {
    const id = idFrom(item.trim())
    if (id === null) return null
    if (!runIds.includes(id)) runIds.push(id)
  }
  return { kind: 'compare', runIds }
}

/** The hash of a route, "#/..." (what links and the address bar show). */
export function formatRoute(route: Route): string {
  switch (route.kind) {
    case 'view':
      return `#/${route.view}`
    case 'run':
      return `#/runs/${route.runId}`
    case 'experiment':
      return `#/experiments/${route.experimentId}`
    case 'compare':
      return route.runIds.length ? `#/compare?runs=${route.runIds.join(',')}` : '#/compare'
  }
}

/** The link to a run's page, for an <a href> wherever a run is named. */
export function runHref(runId: number): string {
  return formatRoute({ kind: 'run', runId })
}

/** One run's page, or the comparison of several; null for none. */
export function runsHref(runIds: readonly number[]): string | null {
  if (runIds.length === 0) return null
  return runIds.length === 1 ? runHref(runIds[0]!) : formatRoute({ kind: 'compare', runIds: [...runIds] })
}

/** The nav tab a route belongs to; null where none is (a run's page). */
export function navViewOf(route: Route): ViewName | null {
  switch (route.kind) {
    case 'view':
      return route.view
    case 'experiment':
      return 'results'
    case 'compare':
      return 'history'
    default:
      return null
  }
}
