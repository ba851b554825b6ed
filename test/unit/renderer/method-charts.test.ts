// @vitest-environment happy-dom
// A method's own curves (FreeMatch's global threshold, FlexMatch's mean learning
// effect) appear on Live and in History's comparison only where a run has the method.
import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import type { MetricPoint, RunRecord } from '../../../src/shared/api.ts'
import { LAB_CLIENT } from '../../../src/renderer/src/api/inject.ts'
import ComparePanel from '../../../src/renderer/src/components/ComparePanel.vue'
import LiveView from '../../../src/renderer/src/views/LiveView.vue'
import { fakeLab, makeRun, settle } from './fake-lab.ts'

const points: MetricPoint[] = [
  { step: 10, value: 0.4 },
  { step: 20, value: 0.6 }
]
/** The series a run of each method records: its own curve only for the method that has it. */
const OWN: Record<string, string> = { FreeMatch: 'globalThreshold', FlexMatch: 'learningEffect' }

function labWith(runs: RunRecord[]) {
  return fakeLab({
    'experiments/list': () => [
      { id: 1, name: 'methods', description: '', createdAt: '2025-11-28T10:00:00Z', preset: 'mnist-quick', runIds: runs.map((r) => r.id) }
    ],
    'runs/list': () => runs,
    'runs/series': (request) => {
      const variant = runs.find((r) => r.id === request.runId)!.variant
      return Object.fromEntries(request.names.filter((name) => !Object.values(OWN).includes(name) || OWN[variant] === name).map((name) => [name, points]))
    }
  })
}

async function mountLive(runs: RunRecord[]) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  try {
    const lab = labWith(runs)
    const wrapper = mount(LiveView, { props: { experimentId: 1 }, global: { provide: { [LAB_CLIENT as symbol]: lab.client } } })
    await vi.runAllTimersAsync()
    return wrapper
  } finally {
    vi.useRealTimers()
  }
}

describe("methods' own charts", () => {
  it('Live draws the global threshold for the FreeMatch run beside O, and no FlexMatch curve', async () => {
    const wrapper = await mountLive([makeRun({ id: 1, variant: 'O' }), makeRun({ id: 2, variant: 'FreeMatch' })])
    const chart = wrapper.get('[data-testid="chart-globalThreshold"]')
    expect(chart.attributes('data-lines')).toBe('1')
    expect(chart.text()).toContain('Global threshold time_p (FreeMatch)')
    expect(wrapper.find('[data-testid="chart-learningEffect"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="chart-mask-rate"]').attributes('data-lines')).toBe('2')
  })

  it('Live shows only the four common charts for an experiment without an adaptive method', async () => {
    const wrapper = await mountLive([makeRun({ id: 1, variant: 'O' }), makeRun({ id: 2, variant: 'U' })])
    expect(wrapper.findAll('[data-testid^="chart-"]').map((c) => c.attributes('data-testid'))).toEqual([
      'chart-top1',
      'chart-loss',
      'chart-mask-rate',
      'chart-pseudo-label-accuracy'
    ])
  })

  it("History's comparison loads and draws FlexMatch's learning effect, and only for that pair", async () => {
    const runs = [makeRun({ id: 1, variant: 'O' }), makeRun({ id: 2, variant: 'FlexMatch' }), makeRun({ id: 3, variant: 'U' })]
    const lab = labWith(runs)
    const compare = (a: RunRecord, b: RunRecord) =>
      mount(ComparePanel, { props: { runs: [a, b] }, global: { provide: { [LAB_CLIENT as symbol]: lab.client } } })
    const flex = compare(runs[0], runs[1])
    await settle()
    expect(lab.callsOf('runs/series')).toEqual([1, 2].map((runId) => ({ runId, names: ['eval/top1', 'loss', 'learningEffect'], maxPoints: 1000 })))
    expect(flex.get('[data-testid="compare-chart-learningEffect"]').attributes('data-lines')).toBe('1')
    const plain = compare(runs[0], runs[2])
    await settle()
    expect(plain.find('[data-testid="compare-chart-learningEffect"]').exists()).toBe(false)
    expect(lab.callsOf('runs/series').slice(2)).toEqual([1, 3].map((runId) => ({ runId, names: ['eval/top1', 'loss'], maxPoints: 1000 })))
  })
})
