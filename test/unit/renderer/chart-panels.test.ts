// @vitest-environment happy-dom
// The chart panels in the views: the metric picker loads and draws another
// metric, grouping draws a band per variant.
import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import type { MetricPoint } from '../../../src/shared/api.ts'
import { LAB_CLIENT } from '../../../src/renderer/src/api/inject.ts'
import { LIVE_METRICS } from '../../../src/renderer/src/live/live-experiment.ts'
import LiveView from '../../../src/renderer/src/views/LiveView.vue'
import { fakeLab, makeRun } from './fake-lab.ts'

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
})
