// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import type { MetricPoint } from '../../../src/shared/api.ts'
import { LAB_CLIENT } from '../../../src/renderer/src/api/inject.ts'
import { LIVE_METRICS, LiveExperiment } from '../../../src/renderer/src/live/live-experiment.ts'
import LiveView from '../../../src/renderer/src/views/LiveView.vue'
import { fakeLab, makeRun, settle } from './fake-lab.ts'

const history = (n: number): MetricPoint[] => Array.from({ length: n }, (_, i) => ({ step: i * 10, value: 2 - i / n }))

function liveLab() {
  const runs = [makeRun({ id: 1, variant: 'O', seed: 1, status: 'running' }), makeRun({ id: 2, variant: 'U', seed: 1, status: 'queued' })]
  return fakeLab({
    'experiments/list': () => [{ id: 1, name: 'mnist', description: '', createdAt: '2025-11-28T10:00:00Z', preset: 'mnist-quick', runIds: [1, 2] }],
    'runs/list': () => runs,
    'runs/series': (request) =>
      Object.fromEntries(request.names.map((name) => [name, request.afterStep === undefined ? history(50) : [{ step: 990, value: 0.1 }]]))
  })
}

describe('LiveExperiment', () => {
  it('loads each run once with runs/series (maxPoints ~1000), then only appends event points', async () => {
    const lab = liveLab()
    const onChange = vi.fn()
    const live = new LiveExperiment(lab.client, 1, onChange)
    live.attach()
    await live.load()
    expect(lab.callsOf('runs/list')).toEqual([{ experimentId: 1 }])
    expect(lab.callsOf('runs/series')).toEqual([
      { runId: 1, names: [...LIVE_METRICS], maxPoints: 1000 },
      { runId: 2, names: [...LIVE_METRICS], maxPoints: 1000 }
    ])
    lab.emit('run/metrics', { runId: 1, step: 500, values: { loss: 0.25, 'eval/top1': 91.5, lr: 0.01 } })
    lab.emit('run/metrics', { runId: 77, step: 500, values: { loss: 9 } })
    expect(lab.callsOf('runs/series')).toHaveLength(2)
    expect(live.series.get(1, 'loss').at(-1)).toEqual({ step: 500, value: 0.25, time: expect.any(Number) })
    expect(live.series.get(1, 'eval/top1').at(-1)).toEqual({ step: 500, value: 91.5, time: expect.any(Number) })
    expect(live.series.get(1, 'lr')).toEqual([])
    expect(live.series.has(77)).toBe(false)
  })

  it('keeps the time an event says its values were recorded at', async () => {
    const lab = liveLab()
    const live = new LiveExperiment(lab.client, 1, () => {})
    live.attach()
    await live.load()
    lab.emit('run/metrics', { runId: 1, step: 600, values: { loss: 0.2 }, time: 1_700_000_000_123 })
    expect(live.series.get(1, 'loss').at(-1)).toEqual({ step: 600, value: 0.2, time: 1_700_000_000_123 })
  })

  it('tracks progress and status, and fetches the history of a run added later', async () => {
    const lab = liveLab()
    const live = new LiveExperiment(lab.client, 1, () => {})
    live.attach()
    await live.load()
    lab.emit('run/progress', { runId: 1, step: 300, totalSteps: 1000, imagesPerSecond: 500, etaSeconds: 60 })
    expect(live.progress.get(1)?.step).toBe(300)
    lab.emit('run/status', { run: makeRun({ id: 1, status: 'finished' }) })
    expect(live.progress.has(1)).toBe(false)
    expect(live.runs.find((r) => r.id === 1)?.status).toBe('finished')
    lab.emit('run/status', { run: makeRun({ id: 3, experimentId: 1, status: 'queued' }) })
    lab.emit('run/status', { run: makeRun({ id: 4, experimentId: 2, status: 'queued' }) })
    await settle()
    expect(live.runs.map((r) => r.id)).toEqual([1, 2, 3])
    expect(lab.callsOf('runs/series').map((r) => (r as { runId: number }).runId)).toEqual([1, 2, 3])
  })

  it('after a reconnect fetches only the points after the last held step', async () => {
    const lab = liveLab()
    const live = new LiveExperiment(lab.client, 1, () => {})
    live.attach()
    await live.load()
    await live.catchUp()
    const catchUps = lab.callsOf('runs/series').slice(2) as { afterStep?: number }[]
    expect(catchUps.map((r) => r.afterStep)).toEqual([490, 490])
    expect(live.series.get(1, 'loss').at(-1)).toEqual({ step: 990, value: 0.1 })
  })

  it('stops listening when detached', async () => {
    const lab = liveLab()
    const live = new LiveExperiment(lab.client, 1, () => {})
    const detach = live.attach()
    expect(lab.listenerCount('run/metrics')).toBe(1)
    detach()
    expect(lab.listenerCount('run/metrics')).toBe(0)
  })
})

describe('LiveView', () => {
  it('shows the four charts with every run of the experiment, progress for runs in flight, and appends events', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const lab = liveLab()
      const wrapper = mount(LiveView, { props: { experimentId: 1 }, global: { provide: { [LAB_CLIENT as symbol]: lab.client } } })
      await vi.runAllTimersAsync()
      for (const id of ['chart-top1', 'chart-loss', 'chart-mask-rate', 'chart-pseudo-label-accuracy']) {
        expect(wrapper.get(`[data-testid="${id}"]`).attributes('data-lines')).toBe('2')
      }
      expect(wrapper.get('[data-testid="chart-loss"]').attributes('data-points')).toBe('100')
      expect(wrapper.findAll('[data-testid="run-progress"]').map((r) => r.attributes('data-run-id'))).toEqual(['1', '2'])
      lab.emit('run/metrics', { runId: 1, step: 1000, values: { loss: 0.1 } })
      await vi.runAllTimersAsync()
      expect(wrapper.get('[data-testid="chart-loss"]').attributes('data-points')).toBe('101')
      expect(lab.callsOf('runs/series')).toHaveLength(2)
      // the shared legend hides a run on every chart
      await wrapper.get('[data-testid="legend-run"][data-run-id="2"]').trigger('click')
      expect(wrapper.get('[data-testid="chart-top1"]').attributes('data-lines')).toBe('1')
      expect(wrapper.get('[data-testid="chart-mask-rate"]').attributes('data-lines')).toBe('1')
      expect(wrapper.get('[data-testid="legend-run"][data-run-id="2"]').attributes('aria-pressed')).toBe('false')
    } finally {
      vi.useRealTimers()
    }
  })

  it('shows a run that failed at once as failed, with its error, and no "waiting" charts', async () => {
    const missing = 'CIFAR-10 is not in /h/datasets/cifar10. Get it with `fixmatch-lab data download cifar10`.'
    let status: 'queued' | 'failed' = 'queued'
    const run = () => makeRun({ id: 7, experimentId: 3, variant: 'O', seed: 1, step: 0, status, ...(status === 'failed' ? { error: missing } : {}) })
    const lab = fakeLab({
      'experiments/list': () => [{ id: 3, name: 'cifar', description: '', createdAt: '2025-11-28T10:00:00Z', preset: 'cifar10-40', runIds: [7] }],
      'runs/list': () => [run()],
      'runs/series': () => ({})
    })
    const wrapper = mount(LiveView, { props: { experimentId: 3 }, global: { provide: { [LAB_CLIENT as symbol]: lab.client } } })
    await settle()
    expect(wrapper.find('[data-testid="live-failed"]').exists()).toBe(false)
    // the trainer stops as soon as it looks for the data
    status = 'failed'
    lab.emit('run/status', { run: run() })
    await new Promise((resolve) => setTimeout(resolve, 250))
    await settle()
    const failure = wrapper.get('[data-testid="run-failed"][data-run-id="7"]')
    expect(failure.get('[data-testid="status-badge"]').attributes('data-status')).toBe('failed')
    expect(failure.get('[data-testid="run-error"]').text()).toBe(missing)
    expect(wrapper.find('[data-testid="live-progress"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="chart-top1"]').text()).toContain('no run of this experiment recorded any')
    await wrapper.get('[data-testid="go-to-queue"]').trigger('click')
    expect(wrapper.emitted('navigate')).toEqual([['queue']])
  })

  it('shows a run that had already failed when the view loads', async () => {
    const lab = fakeLab({
      'experiments/list': () => [{ id: 3, name: 'cifar', description: '', createdAt: '2025-11-28T10:00:00Z', preset: 'cifar10-40', runIds: [7] }],
      'runs/list': () => [makeRun({ id: 7, experimentId: 3, status: 'failed', step: 0, error: 'the dataset is missing' })],
      'runs/series': () => ({})
    })
    const wrapper = mount(LiveView, { props: { experimentId: 3 }, global: { provide: { [LAB_CLIENT as symbol]: lab.client } } })
    await settle()
    expect(wrapper.get('[data-testid="run-error"]').text()).toBe('the dataset is missing')
  })

  it('explains what to do when there are no experiments yet', async () => {
    const lab = fakeLab({ 'experiments/list': () => [] })
    const wrapper = mount(LiveView, { props: { experimentId: null }, global: { provide: { [LAB_CLIENT as symbol]: lab.client } } })
    await settle()
    expect(wrapper.get('[data-testid="empty-state"]').text()).toContain('queue the MNIST quick experiment')
    await wrapper.get('[data-testid="go-to-editor"]').trigger('click')
    expect(wrapper.emitted('navigate')).toEqual([['experiment']])
  })
})
