// Grouping statistics, the x-axis transforms and the metric catalog's derived
// series: the pure parts behind the chart panels.
import { describe, expect, it } from 'vitest'
import type { MetricPoint } from '../../../src/shared/api.ts'
import { buildDatasets, groupDatasets } from '../../../src/renderer/src/charts/datasets.ts'
import { groupStats, valueAt } from '../../../src/renderer/src/charts/grouping.ts'
import { DATA_WAIT_SHARE, chartableMetrics, seriesFor } from '../../../src/renderer/src/charts/metric-catalog.ts'
import { panelDatasets } from '../../../src/renderer/src/charts/panel-datasets.ts'
import { formatX, runOrigin, toXY } from '../../../src/renderer/src/charts/x-axis.ts'
import { eachLine } from '../../../src/renderer/src/charts/chartjs.ts'
import { makeRun } from './fake-lab.ts'

const xy = (pairs: [number, number][]) => pairs.map(([x, y]) => ({ x, y }))

describe('groupStats', () => {
  it('mean, min-max and sample std of runs on one grid', () => {
    const lines = [
      xy([
        [0, 1],
        [10, 2]
      ]),
      xy([
        [0, 3],
        [10, 4]
      ]),
      xy([
        [0, 5],
        [10, 9]
      ])
    ]
    expect(groupStats(lines, 'minmax')).toEqual([
      { x: 0, mean: 3, low: 1, high: 5, n: 3 },
      { x: 10, mean: 5, low: 2, high: 9, n: 3 }
    ])
    const std = groupStats(lines, 'std')
    // values 1, 3, 5: mean 3, sample std 2; values 2, 4, 9: mean 5, sample std sqrt(13)
    expect(std[0]).toEqual({ x: 0, mean: 3, low: 1, high: 5, n: 3 })
    expect(std[1]!.mean).toBe(5)
    expect(std[1]!.high - std[1]!.mean).toBeCloseTo(Math.sqrt(13), 12)
    expect(std[1]!.mean - std[1]!.low).toBeCloseTo(Math.sqrt(13), 12)
  })

  it('aligns runs recorded at different steps by interpolation on the union grid, never extrapolating', () => {
    // run a every 10 steps up to 40; run b every 20 steps up to 20 (it stopped early)
    const a = xy([
      [0, 0],
      [10, 10],
      [20, 20],
      [30, 30],
      [40, 40]
    ])
    const b = xy([
      [0, 100],
      [20, 80]
    ])
    const stats = groupStats([a, b], 'minmax')
    expect(stats.map((p) => p.x)).toEqual([0, 10, 20, 30, 40])
    // at 10, b is interpolated halfway between 100 and 80
    expect(stats[1]).toEqual({ x: 10, mean: (10 + 90) / 2, low: 10, high: 90, n: 2 })
    // past b's last point only a counts
    expect(stats[3]).toEqual({ x: 30, mean: 30, low: 30, high: 30, n: 1 })
    expect(groupStats([a], 'std')[2]).toEqual({ x: 20, mean: 20, low: 20, high: 20, n: 1 })
  })

  it('valueAt interpolates inside a line and is undefined outside it', () => {
    const line = xy([
      [10, 1],
      [20, 3],
      [40, 7]
    ])
    expect(valueAt(line, 10)).toBe(1)
    expect(valueAt(line, 15)).toBe(2)
    expect(valueAt(line, 30)).toBe(5)
    expect(valueAt(line, 40)).toBe(7)
    expect(valueAt(line, 9)).toBeUndefined()
    expect(valueAt(line, 41)).toBeUndefined()
    expect(valueAt([], 0)).toBeUndefined()
  })
})

describe('groupDatasets', () => {
  it('one mean line and a filled band per variant, over that variant’s seeds only', () => {
    const runs = [makeRun({ id: 1, variant: 'S', seed: 1 }), makeRun({ id: 2, variant: 'S', seed: 2 }), makeRun({ id: 3, variant: 'O', seed: 1 })]
    const values: Record<number, number> = { 1: 80, 2: 90, 3: 60 }
    const series = (runId: number): MetricPoint[] => [10, 20].map((step) => ({ step, value: values[runId]! + step / 10 }))
    const lines = groupDatasets(runs, series, { metric: 'eval/top1', smoothing: 0.6, maxPoints: 1000, band: 'minmax' })
    expect(lines.map((l) => [l.role, l.label])).toEqual([
      ['band', 'S · mean of 2 runs (band low)'],
      ['band', 'S · mean of 2 runs (band high)'],
      ['mean', 'S · mean of 2 runs'],
      ['band', 'O · mean of 1 run (band low)'],
      ['band', 'O · mean of 1 run (band high)'],
      ['mean', 'O · mean of 1 run']
    ])
    // the upper edge fills down to the lower one, drawn just before it
    expect(lines.map((l) => l.fill ?? false)).toEqual([false, '-1', false, false, '-1', false])
    expect(lines[2]!.data).toEqual([
      { x: 10, y: 86, low: 81, high: 91, n: 2 },
      { x: 20, y: 87, low: 82, high: 92, n: 2 }
    ])
    expect(lines[0]!.data.map((p) => p.y)).toEqual([81, 82])
    expect(lines[1]!.data.map((p) => p.y)).toEqual([91, 92])
  })
})

describe('x axes', () => {
  const points: MetricPoint[] = [
    { step: 10, value: 1, time: 1_000_000 },
    { step: 20, value: 2 },
    { step: 30, value: 3, time: 1_060_000 }
  ]

  it('step, wall time and seconds since the run started; untimed points are left out of time axes', () => {
    expect(toXY(points, 'step')).toEqual(
      xy([
        [10, 1],
        [20, 2],
        [30, 3]
      ])
    )
    expect(toXY(points, 'wall')).toEqual(
      xy([
        [1_000_000, 1],
        [1_060_000, 3]
      ])
    )
    expect(toXY(points, 'relative', 990_000)).toEqual(
      xy([
        [10, 1],
        [70, 3]
      ])
    )
  })

  it('relative time counts from the run’s start, else from its first timed point', () => {
    expect(runOrigin('1970-01-01T00:16:30.000Z', points)).toBe(990_000)
    expect(runOrigin(null, points)).toBe(1_000_000)
    const run = { ...makeRun({ id: 4 }), startedAt: '1970-01-01T00:16:30.000Z' }
    const [line] = panelDatasets({
      runs: [run],
      seriesOf: () => points,
      metric: 'eval/top1',
      settings: { smoothing: 0, xMode: 'relative', group: false, band: 'minmax' }
    })
    expect(line!.data).toEqual(
      xy([
        [10, 1],
        [70, 3]
      ])
    )
  })

  it('formats each axis for people', () => {
    expect(formatX(12_000, 'step')).toBe('12k')
    expect(formatX(125, 'relative')).toBe('2m 5s')
    expect(formatX(Date.UTC(2026, 0, 1, 13, 4, 5), 'wall')).toMatch(/^\d\d:04:05$/)
  })
})

describe('the metric catalog', () => {
  it('offers the default metrics first, the rest by name, and the data-wait share where its sources were recorded', () => {
    expect(chartableMetrics(['zeta', 'lr', 'loss', 'eval/top1', 'alpha'])).toEqual(['eval/top1', 'loss', 'lr', 'alpha', 'zeta'])
    expect(chartableMetrics(['stepSeconds', 'dataWaitSeconds'])).toContain(DATA_WAIT_SHARE)
    expect(chartableMetrics(['stepSeconds'])).not.toContain(DATA_WAIT_SHARE)
  })

  it('smooths noisy training metrics only: not evaluations, not the lr schedule', () => {
    const run = makeRun({ id: 8 })
    const points: MetricPoint[] = [1, 2, 3].map((step) => ({ step, value: 0.03 / step }))
    const roles = (metric: string) => buildDatasets([run], () => points, { metric, smoothing: 0.6, maxPoints: 100 }).map((line) => line.role)
    expect(roles('loss')).toEqual(['smoothed', 'raw'])
    expect(roles('lr')).toEqual(['recorded'])
    expect(roles('eval/loss')).toEqual(['recorded'])
  })

  it('computes the data-wait share at each step where both sources were recorded', () => {
    const recorded: Record<string, MetricPoint[]> = {
      dataWaitSeconds: [
        { step: 2, value: 0.1, time: 5 },
        { step: 4, value: 0 },
        { step: 6, value: 0.3 }
      ],
      stepSeconds: [
        { step: 2, value: 0.3 },
        { step: 4, value: 0.5 }
      ]
    }
    expect(seriesFor(DATA_WAIT_SHARE, (name) => recorded[name] ?? [])).toEqual([
      { step: 2, value: 0.25, time: 5 },
      { step: 4, value: 0 }
    ])
    expect(seriesFor('stepSeconds', (name) => recorded[name] ?? [])).toBe(recorded.stepSeconds)
  })
})

describe('the tooltip lists every visible line at the hovered x', () => {
  // lines as chart.js lays them out: pixel x of each point
  const chart = (lines: number[][], hidden: number[] = []) =>
    ({
      data: { datasets: lines.map(() => ({})) },
      isDatasetVisible: (i: number) => !hidden.includes(i),
      getDatasetMeta: (i: number) => ({ data: lines[i]!.map((x) => ({ x, y: 0 })) })
    }) as never
  const at = (x: number) => ({ native: {}, type: 'mousemove', x, y: 10 }) as never

  it('picks each line’s nearest point, also for lines on different grids, and skips hidden lines and lines that end before x', () => {
    const lines = [
      [0, 10, 20, 30, 40],
      [0, 25, 50],
      [0, 5],
      [0, 20, 40]
    ]
    const items = eachLine(chart(lines, [3]), at(24), {} as never)
    expect(items.map((item) => [item.datasetIndex, item.index])).toEqual([
      [0, 2],
      [1, 1]
    ])
    // within a few pixels of a line's end it still counts
    expect(eachLine(chart(lines), at(14), {} as never).map((item) => item.datasetIndex)).toEqual([0, 1, 2, 3])
  })
})
