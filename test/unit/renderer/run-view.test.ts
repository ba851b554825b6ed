// @vitest-environment happy-dom
// The run page: the diff against its experiment's FixMatch (O) baseline,
// provenance, status history apart from the trainer's log lines, checkpoints
// and the bundle download, kept current by events.
import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Commands, ExperimentRecord } from '../../../src/shared/api.ts'
import { resolveConfig } from '../../../src/shared/config.ts'
import { PRESETS } from '../../../src/shared/presets.ts'
import { LAB_CLIENT } from '../../../src/renderer/src/api/inject.ts'
import RunView from '../../../src/renderer/src/views/RunView.vue'
import { fakeLab, makeRun, settle } from './fake-lab.ts'

type RunEvent = Commands['runs/events'][1][number]

const experiment: ExperimentRecord = { id: 4, name: 'MNIST study', description: '', createdAt: '2025-11-20T10:00:00Z', preset: 'mnist-quick', runIds: [12] }
const presets = Object.entries(PRESETS).map(([name, p]) => ({ name, ...p }))
const config = resolveConfig(PRESETS['mnist-quick']!.config, { variant: 'U', seed: 3, threshold: 0.9 })
const run = makeRun({
  id: 12,
  experimentId: 4,
  variant: 'U',
  seed: 3,
  config,
  status: 'running',
  backend: 'wasm',
  device: 'CPU (8 threads)',
  appVersion: '0.1.0',
  libraryVersions: { tfjs: '4.22.0', node: '22.1.0' },
  os: 'Linux 6.1',
  splitHash: 'feedfacefeedface'
})
const event = (id: number, kind: string, message: string, level: RunEvent['level'] = 'info'): RunEvent => ({
  id,
  time: `2025-11-28T10:00:0${id}.000Z`,
  level,
  kind,
  message
})
const firstEvents = [
  event(1, 'status', 'queued: variant U, seed 3, 300 steps'),
  event(2, 'status', 'started on wasm (CPU (8 threads)), split feedfacefeedface'),
  event(3, 'trainer', 'labeled split: 40 images'),
  event(4, 'checkpoint', 'checkpoint at step 100 (1234 bytes)', 'debug')
]

function mountRun(answers: Partial<Parameters<typeof fakeLab>[0]> = {}, logged: RunEvent[] = [...firstEvents]) {
  const lab = fakeLab({
    'runs/get': () => run,
    'experiments/list': () => [experiment],
    'presets/list': () => presets,
    'runs/events': (request) => logged.filter((e) => e.id > (request.afterId ?? 0)),
    'runs/checkpoints': () => [{ step: 100, bytes: 3 * 2 ** 20, sha256: 'ab'.repeat(32), createdAt: '2025-11-28T10:00:04.000Z', present: true }],
    'runs/series': () => ({ 'eval/top1': [{ step: 100, value: 50 }], loss: [{ step: 100, value: 1 }], maskRate: [] }),
    'runs/bundle': () => ({ fileName: 'run-12.fixmatch-run.tar', base64: btoa('tar bytes'), bytes: 9, checkpointStep: 100 }),
    ...answers
  })
  const wrapper = mount(RunView, { props: { runId: 12 }, global: { provide: { [LAB_CLIENT as symbol]: lab.client } }, attachTo: document.body })
  return { lab, wrapper }
}

afterEach(() => vi.restoreAllMocks())

describe('RunView', () => {
  it("shows the keys where the run differs from its preset's O baseline, the seed left out", async () => {
    const { wrapper } = mountRun()
    await settle()
    const rows = wrapper.findAll('[data-testid^="diff-row-"]').map((row) => row.attributes('data-testid'))
    expect(rows.sort()).toEqual(['diff-row-threshold', 'diff-row-variant'])
    expect(wrapper.get('[data-testid="run-config"]').text()).toContain('mnist-quick FixMatch (O) baseline')
    expect(wrapper.get('[data-testid="run-experiment-link"]').attributes('href')).toBe('#/experiments/4')
  })

  it('shows provenance: backend, device, versions, OS, split hash and seed', async () => {
    const { wrapper } = mountRun()
    await settle()
    const text = (name: string) => wrapper.get(`[data-testid="provenance-${name}"]`).text()
    expect(text('backend')).toBe('wasm')
    expect(text('device')).toBe('CPU (8 threads)')
    expect(text('libraries')).toBe('tfjs 4.22.0, node 22.1.0')
    expect(text('app-version')).toBe('0.1.0')
    expect(text('os')).toBe('Linux 6.1')
    expect(text('split-hash')).toBe('feedfacefeedface')
    expect(text('seed')).toBe('3')
  })

  it('lists status events apart from the trainer log, and adds new ones as the service logs them', async () => {
    const logged = [...firstEvents]
    const { wrapper, lab } = mountRun({}, logged)
    await settle()
    expect(wrapper.findAll('[data-testid="run-event"]').map((li) => li.attributes('data-kind'))).toEqual(['status', 'status', 'checkpoint'])
    expect(wrapper.findAll('[data-testid="log-line"]').map((line) => line.text())).toEqual([expect.stringContaining('labeled split: 40 images')])
    logged.push(event(5, 'status', 'pause asked: the run checkpoints at the end of its current step'))
    lab.emit('log', { runId: 12, level: 'info', message: 'pause asked', time: '2025-11-28T10:00:05.000Z' })
    await settle()
    expect(lab.callsOf('runs/events').at(-1)).toEqual({ runId: 12, afterId: 4 })
    expect(wrapper.get('[data-testid="run-events"]').text()).toContain('pause asked: the run checkpoints')
    // events in a burst: each asks for what is newer than the last one held, never the same twice
    logged.push(event(6, 'status', 'paused at step 100 (checkpointed)'))
    lab.emit('log', { runId: 12, level: 'info', message: 'a', time: '2025-11-28T10:00:06.000Z' })
    lab.emit('log', { runId: 12, level: 'info', message: 'b', time: '2025-11-28T10:00:07.000Z' })
    await settle()
    expect(lab.callsOf('runs/events').slice(-2)).toEqual([
      { runId: 12, afterId: 5 },
      { runId: 12, afterId: 6 }
    ])
    expect(wrapper.findAll('[data-testid="run-event"]')).toHaveLength(5)
    // another run's log lines are not this page's
    lab.emit('log', { runId: 13, level: 'info', message: 'x', time: '2025-11-28T10:00:06.000Z' })
    await settle()
    expect(lab.callsOf('runs/events')).toHaveLength(4)
  })

  it('lists the checkpoints and downloads the bundle the service packs', async () => {
    const created: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => (created.push(blob as Blob), 'blob:bundle'))
    const clicks: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download)
    })
    const { wrapper, lab } = mountRun()
    await settle()
    expect(wrapper.get('[data-testid="checkpoint-row"]').text()).toContain('3.0 MiB')
    await wrapper.get('[data-testid="download-bundle"]').trigger('click')
    await settle()
    expect(lab.callsOf('runs/bundle')).toEqual([{ runId: 12 }])
    expect(clicks).toEqual(['run-12.fixmatch-run.tar'])
    expect(await created[0]!.text()).toBe('tar bytes')
  })

  it("follows the run's status and final top-1 as the service reports them", async () => {
    const { wrapper, lab } = mountRun()
    await settle()
    lab.emit('run/status', { run: { ...run, status: 'finished', results: { final: 61.25, best: 62, medianLast20: { value: 61, n: 2 } } } })
    await settle()
    expect(wrapper.get('[data-testid="status-badge"]').attributes('data-status')).toBe('finished')
    expect(wrapper.get('[data-testid="run-facts"]').text()).toContain('top-1 61.3% (best 62.0%)')
  })

  it('charts any recorded metric through a panel picker, and a training run gains points live', async () => {
    const withLr = { ...run, summary: { ...run.summary, lr: { last: 0.03, lastStep: 100, best: 0.03, min: 0.03, max: 0.03 } } }
    const { wrapper, lab } = mountRun({
      'runs/get': () => withLr,
      'runs/series': (request) => Object.fromEntries(request.names.map((name) => [name, [{ step: 100, value: name === 'lr' ? 0.03 : 1 }]]))
    })
    await settle()
    const loss = () => wrapper.get('[data-testid="run-chart-loss"]')
    expect(loss().attributes('data-points')).toBe('1')
    // a point recorded while the page is open is drawn without a reload; one of another run is not
    lab.emit('run/metrics', { runId: 12, step: 110, values: { loss: 0.9 } })
    lab.emit('run/metrics', { runId: 13, step: 120, values: { loss: 0.8 } })
    await settle()
    expect(loss().attributes('data-points')).toBe('2')
    const picker = wrapper.get('[data-testid="metric-run-chart-loss"]')
    expect(picker.findAll('option').map((o) => o.attributes('value'))).toContain('lr')
    await picker.setValue('lr')
    await settle()
    expect(lab.callsOf('runs/series').at(-1)).toEqual({ runId: 12, names: ['lr'], maxPoints: 1000 })
    expect(loss().text()).toContain('Learning rate')
    expect(loss().attributes('data-points')).toBe('1')
  })

  it('says what went wrong when the run does not exist', async () => {
    const { wrapper } = mountRun({
      'runs/get': () => {
        throw new Error('no run with id 12')
      }
    })
    await settle()
    expect(wrapper.text()).toContain('no run with id 12')
  })
})
