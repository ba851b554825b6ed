import { describe, expect, it } from 'vitest'
import type { MetricPoint } from '../../../src/shared/api.ts'
import { VARIANTS } from '../../../src/shared/config.ts'
import { metricChartOptions } from '../../../src/renderer/src/charts/chartjs.ts'
import { metricInfo } from '../../../src/renderer/src/charts/metric-catalog.ts'
import { VARIANT_COLOURS, lighten, seedIndexes, seedStyle, withAlpha } from '../../../src/renderer/src/charts/colours.ts'
import { buildDatasets } from '../../../src/renderer/src/charts/datasets.ts'
import { decimate } from '../../../src/renderer/src/charts/decimate.ts'
import { SeriesStore, mergeSorted } from '../../../src/renderer/src/charts/series-store.ts'
import { smoothSeries } from '../../../src/renderer/src/charts/smoothing.ts'
import { variantResults } from '../../../src/renderer/src/results/table.ts'
import { makeRun } from './fake-lab.ts'

const series = (values: number[], stepSize = 1): MetricPoint[] => values.map((value, i) => ({ step: i * stepSize, value }))

describe('smoothSeries', () => {
  it('leaves the series unchanged at weight 0', () => {
    const points = series([3, 1, 4, 1, 5])
    expect(smoothSeries(points, 0)).toEqual(points)
  })

  it('is a debiased EMA: the first point is kept, later ones follow the weights', () => {
    const smoothed = smoothSeries(series([10, 0, 0]), 0.5)
    expect(smoothed[0]!.value).toBeCloseTo(10)
    // (0.5*0.5*10) / (1 - 0.25) = 3.333...
    expect(smoothed[1]!.value).toBeCloseTo(10 / 3)
    // (0.125*10)/(1-0.125) = 1.428...
    expect(smoothed[2]!.value).toBeCloseTo(1.25 / 0.875)
    expect(smoothed.map((p) => p.step)).toEqual([0, 1, 2])
  })

  it('keeps a constant series constant and damps noise', () => {
    expect(smoothSeries(series([2, 2, 2, 2]), 0.9).every((p) => Math.abs(p.value - 2) < 1e-12)).toBe(true)
    const noisy = series(Array.from({ length: 200 }, (_, i) => (i % 2 ? 1 : -1)))
    const tail = smoothSeries(noisy, 0.95).slice(100)
    expect(Math.max(...tail.map((p) => Math.abs(p.value)))).toBeLessThan(0.1)
  })
})

describe('decimate', () => {
  const long = series(Array.from({ length: 100_000 }, (_, i) => Math.sin(i / 500) + (i === 54_321 ? 50 : 0)))

  it('bounds the count, keeps first and last, stays in step order', () => {
    const out = decimate(long, 1000)
    expect(out.length).toBeLessThanOrEqual(1000)
    expect(out.length).toBeGreaterThan(900)
    expect(out[0]).toEqual(long[0])
    expect(out[out.length - 1]).toEqual(long[long.length - 1])
    for (let i = 1; i < out.length; i++) expect(out[i]!.step).toBeGreaterThan(out[i - 1]!.step)
  })

  it('keeps a single spike (min/max per bucket)', () => {
    const out = decimate(long, 500)
    expect(out.some((p) => p.step === 54_321 && p.value > 40)).toBe(true)
  })

  it('returns short series unchanged and never goes below 4 points', () => {
    const short = series([1, 2, 3])
    expect(decimate(short, 1000)).toEqual(short)
    expect(decimate(long, 1).length).toBeLessThanOrEqual(4)
  })

  it('gives sparse and dense stretches detail by step, not by index', () => {
    // 100 points over steps 0..99k, then 10k points over the next 10k steps
    const points = [...series(Array(100).fill(0), 1000), ...Array.from({ length: 10_000 }, (_, i) => ({ step: 100_000 + i, value: 1 }))]
    const out = decimate(points, 200)
    const early = out.filter((p) => p.step < 100_000).length
    expect(early).toBeGreaterThan(out.length / 2)
  })
})

describe('SeriesStore', () => {
  it('appends live points after the loaded history without refetching', () => {
    const store = new SeriesStore()
    store.merge(1, { loss: series([3, 2, 1], 10) })
    store.append(1, 30, { loss: 0.5, maskRate: 0.2 })
    expect(store.get(1, 'loss').map((p) => p.step)).toEqual([0, 10, 20, 30])
    expect(store.get(1, 'maskRate')).toEqual([{ step: 30, value: 0.2 }])
    expect(store.lastStep(1)).toBe(30)
  })

  it('merges a late-arriving history with points appended before it, by step, without duplicates', () => {
    const store = new SeriesStore()
    store.append(1, 40, { loss: 0.4 })
    store.append(1, 50, { loss: 0.3 })
    store.merge(1, {
      loss: [
        { step: 0, value: 2 },
        { step: 20, value: 1 },
        { step: 40, value: 0.41 }
      ]
    })
    expect(store.get(1, 'loss')).toEqual([
      { step: 0, value: 2 },
      { step: 20, value: 1 },
      { step: 40, value: 0.41 },
      { step: 50, value: 0.3 }
    ])
  })

  it('skips values that cannot be drawn and names it was not asked for', () => {
    const store = new SeriesStore()
    expect(store.append(1, 10, { pseudoLabelAccuracy: null as unknown as number, loss: Number.NaN })).toBe(false)
    expect(store.append(1, 10, { lr: 0.03 }, ['loss'])).toBe(false)
    expect(store.get(1, 'pseudoLabelAccuracy')).toEqual([])
    expect(store.get(1, 'lr')).toEqual([])
  })

  it('thins a series that grows past its cap but keeps its ends', () => {
    const store = new SeriesStore({ maxStoredPoints: 1000 })
    for (let step = 0; step <= 1000; step++) store.append(1, step, { loss: 1 / (step + 1) })
    const held = store.get(1, 'loss')
    expect(held.length).toBeLessThanOrEqual(1000)
    expect(held[0]!.step).toBe(0)
    expect(held[held.length - 1]!.step).toBe(1000)
  })

  it('mergeSorted lets the incoming point win on an equal step', () => {
    expect(
      mergeSorted(
        [
          { step: 1, value: 1 },
          { step: 3, value: 3 }
        ],
        [
          { step: 2, value: 2 },
          { step: 3, value: 30 }
        ]
      )
    ).toEqual([
      { step: 1, value: 1 },
      { step: 2, value: 2 },
      { step: 3, value: 30 }
    ])
  })
})

describe('colours', () => {
  it('gives every variant its own fixed colour: S grey, O blue, L orange, U green, U+ purple', () => {
    expect(new Set(VARIANTS.map((v) => VARIANT_COLOURS[v])).size).toBe(VARIANTS.length)
    const hue = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))
      return { r: r!, g: g!, b: b! }
    }
    const s = hue(VARIANT_COLOURS.S)
    expect(Math.max(s.r, s.g, s.b) - Math.min(s.r, s.g, s.b)).toBeLessThan(20) // grey
    const o = hue(VARIANT_COLOURS.O)
    expect(o.b).toBeGreaterThan(o.r + 100) // blue
    const l = hue(VARIANT_COLOURS.L)
    expect(l.r).toBeGreaterThan(200)
    expect(l.b).toBeLessThan(60) // orange
    const u = hue(VARIANT_COLOURS.U)
    expect(u.g).toBeGreaterThan(u.r + 80) // green
    const plus = hue(VARIANT_COLOURS['U+'])
    expect(plus.r).toBeGreaterThan(plus.g + 50)
    expect(plus.b).toBeGreaterThan(plus.g + 50) // purple
  })

  it('the first seed is the variant colour, solid; later seeds lighter and dashed', () => {
    expect(seedStyle('O', 0)).toEqual({ colour: VARIANT_COLOURS.O, dash: [] })
    const second = seedStyle('O', 1)
    expect(second.colour).not.toBe(VARIANT_COLOURS.O)
    expect(second.dash.length).toBeGreaterThan(0)
    expect(lighten('#000000', 0.5)).toBe('#808080')
    expect(lighten('#2563eb', 0)).toBe('#2563eb')
  })

  it('indexes seeds per variant in seed order, whatever the run order', () => {
    const runs = [
      { id: 1, variant: 'O' as const, seed: 3 },
      { id: 2, variant: 'O' as const, seed: 1 },
      { id: 3, variant: 'U' as const, seed: 3 },
      { id: 4, variant: 'O' as const, seed: 2 }
    ]
    expect([...seedIndexes(runs).entries()]).toEqual([
      [1, 2],
      [2, 0],
      [3, 0],
      [4, 1]
    ])
  })
})

describe('buildDatasets', () => {
  it('orders lines by variant then seed, colours them by variant, smooths then decimates', () => {
    const runs = [
      { id: 10, variant: 'U' as const, seed: 1 },
      { id: 11, variant: 'O' as const, seed: 2 },
      { id: 12, variant: 'O' as const, seed: 1 }
    ]
    const data = new Map([
      [10, series(Array.from({ length: 5000 }, (_, i) => i))],
      [11, series([1, 2])],
      [12, series([5])]
    ])
    const lines = buildDatasets(runs, (id) => data.get(id) ?? [], { metric: 'loss', smoothing: 0, maxPoints: 100 })
    expect(lines.map((l) => l.runId)).toEqual([12, 11, 10])
    expect(lines[0]!.borderColor).toBe(VARIANT_COLOURS.O)
    expect(lines[1]!.borderDash.length).toBeGreaterThan(0)
    expect(lines[2]!.borderColor).toBe(VARIANT_COLOURS.U)
    expect(lines[2]!.data.length).toBeLessThanOrEqual(100)
    expect(lines[2]!.data[lines[2]!.data.length - 1]).toEqual({ x: 4999, y: 4999 })
    expect(lines[0]!.label).toContain('seed 1')

    // explicit shades keep a seed's style when other runs are left out
    const alone = buildDatasets([runs[1]!], (id) => data.get(id) ?? [], { metric: 'loss', smoothing: 0, maxPoints: 100, shades: new Map([[11, 1]]) })
    expect(alone[0]!.borderColor).toBe(lines[1]!.borderColor)

    const smoothed = buildDatasets([runs[1]!], (id) => data.get(id) ?? [], { metric: 'loss', smoothing: 0.9, maxPoints: 100 })
    expect(smoothed[0]!.data[1]!.y).toBeLessThan(2)
  })
})

describe('evaluation and training lines', () => {
  // the Live view's default smoothing
  const LIVE_SMOOTHING = 0.6
  const percent = (value: number) => `${value.toFixed(2)}%`
  const tooltip = (line: { label: string; data: { x: number; y: number }[] }, index: number) => {
    const options = metricChartOptions({ yTitle: 'top-1 %', logScale: false, format: percent })
    const label = options.plugins!.tooltip!.callbacks!.label as unknown as (item: unknown) => string
    return label({ dataset: line, parsed: line.data[index] })
  }

  it('draws top-1 as recorded whatever the smoothing, so the chart ends where the Results table does', () => {
    const top1 = [
      { step: 100, value: 17.13 },
      { step: 200, value: 52.4 },
      { step: 300, value: 70.9 },
      { step: 400, value: 81.2 }
    ]
    const run = makeRun({ id: 5, summary: { 'eval/top1': { last: 81.2, lastStep: 400, best: 81.2, min: 17.13, max: 81.2 } } })
    const lines = buildDatasets([run], () => top1, { metric: 'eval/top1', smoothing: LIVE_SMOOTHING, maxPoints: 1000 })
    expect(lines).toHaveLength(1)
    expect(lines[0]!.role).toBe('recorded')
    expect(lines[0]!.data).toEqual(top1.map((p) => ({ x: p.step, y: p.value })))
    expect(lines[0]!.data.at(-1)!.y).toBe(variantResults([run])[0]!.top1[0])
    // the tooltip gives the recorded value
    expect(tooltip(lines[0]!, 0)).toBe(`${lines[0]!.label}: 17.13%`)
  })

  it('shows a run with a single evaluation as a marker', () => {
    const lines = buildDatasets([makeRun({ id: 6 })], () => [{ step: 50, value: 12.5 }], { metric: 'eval/top1', smoothing: LIVE_SMOOTHING, maxPoints: 1000 })
    expect(lines[0]!.data).toEqual([{ x: 50, y: 12.5 }])
    expect(lines[0]!.pointRadius).toBeGreaterThan(0)
    // a study run's thousand evaluations are drawn as a plain line
    const dense = buildDatasets([makeRun({ id: 9 })], () => series(Array(1024).fill(50), 1024), {
      metric: 'eval/top1',
      smoothing: LIVE_SMOOTHING,
      maxPoints: 1000
    })
    expect(dense[0]!.pointRadius).toBe(0)
    expect(dense[0]!.role).toBe('recorded')
  })

  it('smooths a training metric with its raw line faint behind, one legend entry per run', () => {
    const loss = series([4, 1, 3, 0.5, 2, 0.25])
    const lines = buildDatasets([makeRun({ id: 7, variant: 'O' })], () => loss, { metric: 'loss', smoothing: LIVE_SMOOTHING, maxPoints: 1000 })
    expect(lines.map((l) => l.role)).toEqual(['smoothed', 'raw'])
    const [smoothed, raw] = lines as [(typeof lines)[0], (typeof lines)[0]]
    expect(smoothed.data.map((p) => p.y)).toEqual(smoothSeries(loss, LIVE_SMOOTHING).map((p) => p.value))
    expect(raw.data.map((p) => p.y)).toEqual(loss.map((p) => p.value))
    expect(raw.borderColor).toBe(withAlpha(VARIANT_COLOURS.O, 0.25))
    expect(smoothed.borderColor).toBe(VARIANT_COLOURS.O)
    // chart.js draws higher orders first: the raw line lies behind
    expect(raw.order).toBeGreaterThan(smoothed.order)
    expect(tooltip(smoothed, 1)).toMatch(/\(smoothed\)$/)
    expect(tooltip(raw, 1)).toBe(`${raw.label}: 1.00%`)
    const options = metricChartOptions({ yTitle: 'loss', logScale: false, format: percent, legend: true })
    const filter = options.plugins!.legend!.labels!.filter!
    const data = { datasets: lines } as never
    expect([0, 1].map((datasetIndex) => filter({ datasetIndex } as never, data))).toEqual([true, false])
    // no smoothing: one line as recorded
    expect(buildDatasets([makeRun({ id: 8 })], () => loss, { metric: 'loss', smoothing: 0, maxPoints: 1000 }).map((l) => l.role)).toEqual(['recorded'])
  })

  it('withAlpha appends the opacity to a #rrggbb colour', () => {
    expect(withAlpha('#2563eb', 1)).toBe('#2563ebff')
    expect(withAlpha('#2563eb', 0.25)).toBe('#2563eb40')
  })
})

describe('the y axis of a metric with bounds', () => {
  // chart.js's limits of a flat line (value +- 1, or +- 5 %), then the axis' own hook
  const axisOf = (metric: string, limits: { min: number; max: number }) => {
    const info = metricInfo(metric)
    const options = metricChartOptions({ yTitle: info.yTitle, logScale: false, format: info.format, yRange: info.range })
    const axis = { ...limits }
    ;(options.scales!.y!.afterDataLimits as unknown as (axis: { min: number; max: number }) => void)(axis)
    return axis
  }

  it('draws a mask rate of 0 from 0 to 1 and a top-1 of 100 % up to 100, not past what they can take', () => {
    expect(axisOf('maskRate', { min: -1, max: 1 })).toEqual({ min: 0, max: 1 })
    expect(axisOf('eval/top1', { min: 95, max: 105 })).toEqual({ min: 95, max: 100 })
    expect(axisOf('loss', { min: -1, max: 1 })).toEqual({ min: 0, max: 1 })
  })

  it('leaves an axis within the bounds, and a metric without known bounds, as chart.js made it', () => {
    expect(axisOf('eval/top1', { min: 10, max: 15 })).toEqual({ min: 10, max: 15 })
    expect(axisOf('lossFairness', { min: -2, max: 1 })).toEqual({ min: -2, max: 1 })
    expect(axisOf('some/custom', { min: -1, max: 1 })).toEqual({ min: -1, max: 1 })
  })
})
