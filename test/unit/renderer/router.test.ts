// The hash routes: every form routes.md names parses to its route and formats
// back to the same text; the old "#live" form still works; junk is null.
import { describe, expect, it } from 'vitest'
import { formatRoute, navViewOf, parseRoute, runHref, type Route } from '../../../src/renderer/src/router.ts'

describe('hash routes', () => {
  it('parses each view (datasets among them), a run, an experiment and a comparison, and formats them back', () => {
    const cases: [string, Route][] = [
      ['#/live', { kind: 'view', view: 'live' }],
      ['#/experiment', { kind: 'view', view: 'experiment' }],
      ['#/results', { kind: 'view', view: 'results' }],
      ['#/queue', { kind: 'view', view: 'queue' }],
      ['#/history', { kind: 'view', view: 'history' }],
      ['#/datasets', { kind: 'view', view: 'datasets' }],
      ['#/runs/12', { kind: 'run', runId: 12 }],
      ['#/experiments/3', { kind: 'experiment', experimentId: 3 }],
      ['#/compare?runs=1,2,5', { kind: 'compare', runIds: [1, 2, 5] }],
      ['#/compare', { kind: 'compare', runIds: [] }]
    ]
    for (const [hash, route] of cases) {
      expect(parseRoute(hash), hash).toEqual(route)
      expect(formatRoute(route)).toBe(hash)
    }
  })

  it('still takes the older forms: "#live", "#/live/", no "#"', () => {
    expect(parseRoute('#live')).toEqual({ kind: 'view', view: 'live' })
    expect(parseRoute('#queue')).toEqual({ kind: 'view', view: 'queue' })
    expect(parseRoute('#/live/')).toEqual({ kind: 'view', view: 'live' })
    expect(parseRoute('runs/7')).toEqual({ kind: 'run', runId: 7 })
  })

  it('keeps the order of compared runs and drops repeats', () => {
    expect(parseRoute('#/compare?runs=5,1,5,2')).toEqual({ kind: 'compare', runIds: [5, 1, 2] })
  })

  it('names no route for junk: unknown views, ids that are not positive integers, extra parts', () => {
    for (const hash of [
      '',
      '#',
      '#/nowhere',
      '#/runs',
      '#/runs/0',
      '#/runs/-1',
      '#/runs/1.5',
      '#/runs/012',
      '#/runs/abc',
      '#/runs/12/x',
      '#/experiments/',
      '#/compare?runs=1,x',
      '#/runs/99999999999999999999'
    ]) {
      expect(parseRoute(hash), hash).toBeNull()
    }
  })

  it('links a run to its page, and puts each route under its nav tab', () => {
    expect(runHref(12)).toBe('#/runs/12')
    expect(navViewOf({ kind: 'run', runId: 12 })).toBeNull()
    expect(navViewOf({ kind: 'experiment', experimentId: 3 })).toBe('results')
    expect(navViewOf({ kind: 'view', view: 'queue' })).toBe('queue')
    expect(navViewOf({ kind: 'compare', runIds: [1, 2] })).toBe('history')
  })
})
