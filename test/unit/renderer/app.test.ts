// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AppInfo } from '../../../src/shared/api.ts'
import { PRESETS } from '../../../src/shared/presets.ts'
import { ConnectionTracker } from '../../../src/renderer/src/api/connection.ts'
import { LAB_CLIENT, LAB_CONNECTION } from '../../../src/renderer/src/api/inject.ts'
import App from '../../../src/renderer/src/App.vue'
import ResultsView from '../../../src/renderer/src/views/ResultsView.vue'
import { fakeLab, makeRun, settle } from './fake-lab.ts'

const gpuInfo: AppInfo = {
  name: 'FixMatch Lab',
  version: '0.1.0',
  home: '/h',
  backend: 'node-gpu',
  device: 'RTX 3090',
  advice: [],
  datasets: [{ name: 'mnist', installed: true }]
}
const cpuInfo: AppInfo = { ...gpuInfo, backend: 'wasm', device: 'CPU (8 threads)', advice: ['Install CUDA 11.2 and cuDNN 8, then run `fixmatch-lab doctor`.'] }

function mountApp(info: AppInfo | Promise<AppInfo>, runCount: number, connection = new ConnectionTracker('open')) {
  const lab = fakeLab({
    'app/info': () => info,
    'runs/list': (request) => Array.from({ length: runCount }, () => makeRun()).filter((run) => !request.status || request.status.includes(run.status)),
    'experiments/list': () => [],
    'presets/list': () => Object.entries(PRESETS).map(([name, p]) => ({ name, ...p })),
    'queue/list': () => []
  })
  const wrapper = mount(App, { global: { provide: { [LAB_CLIENT as symbol]: lab.client, [LAB_CONNECTION as symbol]: connection } } })
  return { wrapper, lab, connection }
}

describe('App', () => {
  beforeEach(() => history.replaceState(null, '', '/'))

  it('shows backend and device, and the doctor advice when the GPU is not used', async () => {
    const gpu = mountApp(gpuInfo, 1)
    await settle()
    expect(gpu.wrapper.get('[data-testid="backend-info"]').text()).toContain('node-gpu · RTX 3090')
    expect(gpu.wrapper.find('[data-testid="doctor-advice-toggle"]').exists()).toBe(false)

    const cpu = mountApp(cpuInfo, 1)
    await settle()
    await cpu.wrapper.get('[data-testid="doctor-advice-toggle"]').trigger('click')
    expect(cpu.wrapper.get('[data-testid="doctor-advice"]').text()).toContain('Install CUDA 11.2')
  })

  it('opens the editor with the MNIST offer on first start, Live otherwise', async () => {
    const first = mountApp(gpuInfo, 0)
    await settle()
    expect(first.wrapper.get('[aria-current="page"]').attributes('data-testid')).toBe('nav-experiment')
    expect(first.wrapper.find('[data-testid="queue-mnist-quick"]').exists()).toBe(true)
    history.replaceState(null, '', '/')
    const returning = mountApp(gpuInfo, 3)
    await settle()
    expect(returning.wrapper.get('[aria-current="page"]').attributes('data-testid')).toBe('nav-live')
  })

  it('on first start, a view picked before the service answers stays: the editor offer does not replace it', async () => {
    let answer: (info: AppInfo) => void = () => undefined
    const { wrapper } = mountApp(new Promise<AppInfo>((resolve) => (answer = resolve)), 0)
    await settle()
    expect(wrapper.find('[role="status"].loading').exists()).toBe(true)
    await wrapper.get('[data-testid="nav-queue"]').trigger('click')
    answer(gpuInfo)
    await settle()
    expect(wrapper.get('[aria-current="page"]').attributes('data-testid')).toBe('nav-queue')
    expect(location.hash).toBe('#/queue')
    expect(wrapper.find('[role="status"].loading').exists()).toBe(false)
  })

  it('shows the disconnected banner while the event stream is down', async () => {
    const { wrapper, connection } = mountApp(gpuInfo, 1)
    await settle()
    expect(wrapper.find('[data-testid="disconnected-banner"]').exists()).toBe(false)
    connection.set('closed')
    await settle()
    expect(wrapper.get('[data-testid="disconnected-banner"]').text()).toContain('Disconnected')
    connection.set('open')
    await settle()
    expect(wrapper.find('[data-testid="disconnected-banner"]').exists()).toBe(false)
  })

  it('says the token was replaced and how to get in again when the page is refused, not "Reconnecting..."', async () => {
    const { wrapper, connection } = mountApp(gpuInfo, 1)
    await settle()
    connection.set('closed')
    connection.set('refused')
    await settle()
    expect(wrapper.find('[data-testid="disconnected-banner"]').exists()).toBe(false)
    const banner = wrapper.get('[data-testid="token-refused-banner"]').text()
    expect(banner).toMatch(/token was replaced \(serve --new-token\)/)
    expect(banner).toMatch(/open the new address fixmatch-lab serve printed, the one ending in \?token=/)
    expect(banner).not.toMatch(/Reconnecting/)
  })

  it('switches views from the nav', async () => {
    const { wrapper } = mountApp(gpuInfo, 1)
    await settle()
    await wrapper.get('[data-testid="nav-queue"]').trigger('click')
    await settle()
    expect(wrapper.get('[data-testid="empty-state"]').text()).toContain('Nothing is queued')
    expect(location.hash).toBe('#/queue')
  })

  it('opens the route in the address: a run page, an experiment in Results, the old "#live" form', async () => {
    history.replaceState(null, '', '/#/runs/7')
    const { wrapper, lab } = mountApp(gpuInfo, 1)
    await settle()
    expect(wrapper.find('[data-testid="run-page"]').attributes('data-run-id')).toBe('7')
    expect(lab.callsOf('runs/get')).toEqual([{ runId: 7 }])
    expect(wrapper.find('[aria-current="page"]').exists()).toBe(false)
    // a link or Back changes the hash: the view follows
    location.hash = '#/queue'
    window.dispatchEvent(new HashChangeEvent('hashchange'))
    await settle()
    expect(wrapper.find('[data-testid="run-page"]').exists()).toBe(false)
    expect(wrapper.get('[aria-current="page"]').attributes('data-testid')).toBe('nav-queue')

    history.replaceState(null, '', '/#/experiments/3')
    const results = mountApp(gpuInfo, 1)
    await settle()
    expect(results.wrapper.get('[aria-current="page"]').attributes('data-testid')).toBe('nav-results')
    expect(location.hash).toBe('#/experiments/3')
    expect(results.wrapper.getComponent(ResultsView).props('experimentId')).toBe(3)

    history.replaceState(null, '', '/#live')
    const old = mountApp(gpuInfo, 1)
    await settle()
    expect(old.wrapper.get('[aria-current="page"]').attributes('data-testid')).toBe('nav-live')
    expect(location.hash).toBe('#/live')
  })
})
