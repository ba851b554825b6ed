// @vitest-environment happy-dom
// The chart panels in the views: the metric picker loads and draws another
// metric, grouping draws a band per variant, the comparison takes N runs.
import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import type { MetricPoint } from '../../../src/shared/api.ts'
import { LAB_CLIENT } from '../../../src/renderer/src/api/inject.ts'
import ComparePanel from '../../../src/renderer/src/components/ComparePanel.vue'
import { LIVE_METRICS } from '../../../src/renderer/src/live/live-experiment.ts'
import CompareView from '../../../src/renderer/src/views/CompareView.vue'
import LiveView from '../../../src/renderer/src/views/LiveView.vue'
import { configSpread, resolveConfig } from '../../../src/shared/config.ts'
import { runShades } from '../../../src/renderer/src/charts/colours.ts'
import { fakeLab, makeRun, settle } from './fake-lab.ts'

const history = (n: number): MetricPoint[] => Array.from({ length: n }, (_, i) => ({ step: (i + 1) * 10, value: 1 + i }))
const summary = { lr: { last: 0.03, lastStep: 500, best: 0.03, min: 0.03, max: 0.03 } }

function liveLab() {
  const runs = [
    makeRun({ id: 1, variant: 'S', seed: 1, summary }),
    makeRun({ id: 2, variant: 'S', seed: 2, summary }),
    makeRun({ id: 3, variant: 'O', seed: 1, summary })
  ]
  return fakeLab({
    'experiments/list': () => [{ id: 1, name: 'e', description: '', createdAt: '2025-11-28T10:00:00Z', preset: null, runIds: [1, 2, 3] }],
    'runs/list': () => runs,
    'runs/series': (request) => Object.fromEntries(request.names.map((name) => [name, name === 'lr' ? history(5) : history(20)]))
  })
}

describe('chart panels', () => {
  it('Live: picking lr in the loss panel loads lr for every run once and draws it', async () => {
    vi.useFakeTimers()
    try {
      const lab = liveLab()
      const wrapper = mount(LiveView, { props: { experimentId: 1 }, global: { provide: { [LAB_CLIENT as symbol]: lab.client } } })
      await vi.runAllTimersAsync()
      const picker = wrapper.get('[data-testid="metric-chart-loss"]')
      expect(picker.findAll('option').map((o) => o.attributes('value'))).toContain('lr')
      expect(wrapper.get('[data-testid="chart-loss"]').attributes('data-points')).toBe('60')
      await picker.setValue('lr')
      await vi.runAllTimersAsync()
      const lrCalls = lab.callsOf('runs/series').filter((r) => (r as { names: string[] }).names.includes('lr'))
      expect(lrCalls).toEqual([1, 2, 3].map((runId) => ({ runId, names: ['lr'], maxPoints: 1000 })))
      const chart = wrapper.get('[data-testid="chart-loss"]')
      expect(chart.text()).toContain('Learning rate')
      expect(chart.attributes('data-points')).toBe('15')
      // a live event for the picked metric is kept from now on
      lab.emit('run/metrics', { runId: 1, step: 60, values: { lr: 0.02 } })
      await vi.runAllTimersAsync()
      expect(wrapper.get('[data-testid="chart-loss"]').attributes('data-points')).toBe('16')
      // the other panels keep their metric
      expect(wrapper.get('[data-testid="chart-top1"]').attributes('data-points')).toBe('60')
      expect(lab.callsOf('runs/series').filter((r) => (r as { names: string[] }).names.length === LIVE_METRICS.length)).toHaveLength(3)
      // another experiment opened: the panel keeps lr, loaded for its runs too
      await wrapper.setProps({ experimentId: 2 })
      await vi.runAllTimersAsync()
      expect(lab.callsOf('runs/series').filter((r) => (r as { names: string[] }).names.includes('lr'))).toHaveLength(6)
      expect(wrapper.get('[data-testid="chart-loss"]').attributes('data-points')).toBe('15')
    } finally {
      vi.useRealTimers()
    }
  })

  it('Live: grouping by variant draws one mean line and one band per variant', async () => {
    vi.useFakeTimers()
    try {
      const lab = liveLab()
      const wrapper = mount(LiveView, { props: { experimentId: 1 }, global: { provide: { [LAB_CLIENT as symbol]: lab.client } } })
      await vi.runAllTimersAsync()
      const top1 = () => wrapper.get('[data-testid="chart-top1"]')
      expect([top1().attributes('data-lines'), top1().attributes('data-bands')]).toEqual(['3', '0'])
      await wrapper.get('[data-testid="group-by-variant"]').setValue(true)
      await vi.runAllTimersAsync()
      expect([top1().attributes('data-lines'), top1().attributes('data-bands')]).toEqual(['2', '2'])
      expect(wrapper.find('[data-testid="group-band"]').exists()).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })

  it('the comparison takes any number of runs from any experiments', async () => {
    const runs = [
      makeRun({ id: 4, experimentId: 1, variant: 'S', seed: 1 }),
      makeRun({ id: 9, experimentId: 2, variant: 'S', seed: 2 }),
      makeRun({ id: 12, experimentId: 3, variant: 'O', seed: 1, config: { ...makeRun({ variant: 'O' }).config, lr: 0.01 } })
    ]
    const lab = fakeLab({ 'runs/series': (request) => Object.fromEntries(request.names.map((name) => [name, history(10)])) })
    const wrapper = mount(ComparePanel, { props: { runs }, global: { provide: { [LAB_CLIENT as symbol]: lab.client } } })
    await settle()
    expect(wrapper.findAll('thead th').map((th) => th.text())).toEqual(['Key', '#4', '#9', '#12'])
    const rows = wrapper.findAll('[data-testid^="diff-row-"]').map((r) => r.attributes('data-testid'))
    expect(rows).toEqual(['diff-row-variant', 'diff-row-seed', 'diff-row-lr'])
    expect(wrapper.get('[data-testid="compare-chart-top1"]').attributes('data-lines')).toBe('3')
    expect(lab.callsOf('runs/series').map((r) => (r as { runId: number }).runId)).toEqual([4, 9, 12])
    await wrapper.get('[data-testid="group-by-variant"]').setValue(true)
    expect(wrapper.get('[data-testid="compare-chart-top1"]').attributes('data-bands')).toBe('2')
  })
})

describe('CompareView', () => {
  it('loads the linked runs from any experiment, names one that is gone, and compares the rest', async () => {
    const held = new Map([
      [1, makeRun({ id: 1, experimentId: 1, variant: 'S' })],
      [5, makeRun({ id: 5, experimentId: 2, variant: 'O' })]
    ])
    const lab = fakeLab({
      'runs/get': ({ runId }) => {
        const run = held.get(runId)
        if (!run) throw new Error(`run ${runId} does not exist`)
        return run
      },
      'runs/series': (request) => Object.fromEntries(request.names.map((name) => [name, history(3)]))
    })
    const wrapper = mount(CompareView, { props: { runIds: [5, 1, 99, 1] }, global: { provide: { [LAB_CLIENT as symbol]: lab.client } } })
    await settle()
    expect(lab.callsOf('runs/get')).toEqual([{ runId: 5 }, { runId: 1 }, { runId: 99 }])
    expect(wrapper.get('[data-testid="compare-panel"]').attributes('data-runs')).toBe('2')
    expect(wrapper.findAll('thead th').map((th) => th.text())).toEqual(['Key', '#5', '#1'])
    expect(wrapper.text()).toContain('run 99: run 99 does not exist')
  })
})

describe('comparing N runs', () => {
  it('configSpread lists the keys where any of the configs differs, with every run’s value', () => {
    const configs = [resolveConfig({ variant: 'S', seed: 1 }), resolveConfig({ variant: 'S', seed: 2 }), resolveConfig({ variant: 'S', seed: 1, lr: 0.01 })]
    expect(configSpread(configs)).toEqual([
      { key: 'seed', values: [1, 2, 1] },
      { key: 'lr', values: [configs[0]!.lr, configs[0]!.lr, 0.01] }
    ])
    expect(configSpread([configs[0]!, configs[0]!])).toEqual([])
  })

  it('runShades gives each run of a variant its own shade, also two runs of one seed', () => {
    const shades = runShades([makeRun({ id: 7, variant: 'S', seed: 1 }), makeRun({ id: 3, variant: 'S', seed: 1 }), makeRun({ id: 5, variant: 'O', seed: 2 })])
    expect([...shades].sort((a, b) => a[0] - b[0])).toEqual([
      [3, 0],
      [5, 0],
      [7, 1]
    ])
  })
})
