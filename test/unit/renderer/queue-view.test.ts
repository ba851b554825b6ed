// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../src/shared/api.ts'
import type { SettingsView } from '../../../src/shared/settings.ts'
import { LAB_CLIENT } from '../../../src/renderer/src/api/inject.ts'
import QueueView from '../../../src/renderer/src/views/QueueView.vue'
import { fakeLab, makeRun, settle } from './fake-lab.ts'

const SETTINGS: SettingsView = {
  slots: 2,
  source: 'default',
  saved: null,
  defaultSlots: 2,
  defaultReason: 'one per core on wasm (2 cores)',
  running: 1,
  file: '/home/lab/settings.json'
}

function mountQueue(queue: RunRecord[], running: RunRecord[] = [], ended: RunRecord[] = []) {
  const lab = fakeLab({
    'settings/get': () => SETTINGS,
    'settings/set': ({ slots }) => {
      if (slots === 0) throw new Error('slots: expected an integer from 1 to 256, got 0')
      return { ...SETTINGS, slots: slots ?? SETTINGS.defaultSlots, source: slots === null ? 'default' : 'file', saved: slots }
    },
    // as the service answers: running runs first, then the queue
    'queue/list': () => [...running, ...queue],
    'runs/list': () => ended,
    'experiments/list': () => [{ id: 1, name: 'CIFAR-10 at 40 labels', description: '', createdAt: 'now', preset: null, runIds: [] }],
    'queue/move': () => undefined,
    'queue/pause': () => undefined,
    'queue/resume': () => undefined,
    'queue/cancel': () => undefined,
    'queue/retry': (request) => makeRun({ id: 900 + request.runId, status: 'queued' })
  })
  const wrapper = mount(QueueView, { global: { provide: { [LAB_CLIENT as symbol]: lab.client } }, attachTo: document.body })
  return { lab, wrapper }
}

const row = (wrapper: ReturnType<typeof mountQueue>['wrapper'], runId: number) => wrapper.get(`[data-testid="queue-row"][data-run-id="${runId}"]`)

describe('QueueView', () => {
  const running = makeRun({ id: 1, status: 'running', step: 250, totalSteps: 1000 })
  const first = makeRun({ id: 2, status: 'queued', queuePosition: 1, step: 0 })
  const second = makeRun({ id: 3, status: 'paused', queuePosition: 2, step: 100 })
  const third = makeRun({ id: 4, status: 'interrupted', queuePosition: 3, step: 300, error: 'the app stopped while this run was training' })
  const failed = makeRun({ id: 5, status: 'failed', error: 'out of memory' })

  it('shows running, waiting in order and recently failed runs with their status', async () => {
    const { wrapper } = mountQueue([first, second, third], [running], [failed])
    await settle()
    expect(
      wrapper
        .get('[data-testid="queue-running"]')
        .findAll('[data-testid="queue-row"]')
        .map((r) => r.attributes('data-run-id'))
    ).toEqual(['1'])
    expect(
      wrapper
        .get('[data-testid="queue-waiting"]')
        .findAll('[data-testid="queue-row"]')
        .map((r) => r.attributes('data-run-id'))
    ).toEqual(['2', '3', '4'])
    expect(row(wrapper, 3).get('[data-testid="status-badge"]').text()).toBe('paused')
    expect(row(wrapper, 5).text()).toContain('out of memory')
    expect(row(wrapper, 1).get('[data-testid="progress-bar"]').attributes('aria-valuenow')).toBe('25')
    // each run links to its page
    expect(row(wrapper, 3).get('[data-testid="run-link"]').attributes('href')).toBe('#/runs/3')
    expect(row(wrapper, 5).get('[data-testid="run-link"]').attributes('href')).toBe('#/runs/5')
  })

  it('calls the matching command for each action', async () => {
    const { wrapper, lab } = mountQueue([first, second, third], [running], [failed])
    await settle()
    await row(wrapper, 1).get('[data-testid="queue-pause"]').trigger('click')
    await row(wrapper, 3).get('[data-testid="queue-resume"]').trigger('click')
    await row(wrapper, 4).get('[data-testid="queue-resume"]').trigger('click')
    await row(wrapper, 3).get('[data-testid="queue-up"]').trigger('click')
    await row(wrapper, 3).get('[data-testid="queue-down"]').trigger('click')
    await row(wrapper, 4).get('[data-testid="queue-top"]').trigger('click')
    await row(wrapper, 5).get('[data-testid="queue-retry"]').trigger('click')
    await settle()
    const actions = lab.calls.filter((c) => c.command.startsWith('queue/') && c.command !== 'queue/list')
    expect(actions).toEqual([
      { command: 'queue/pause', request: { runId: 1 } },
      { command: 'queue/resume', request: { runId: 3 } },
      { command: 'queue/resume', request: { runId: 4 } },
      { command: 'queue/move', request: { runId: 3, direction: 'up' } },
      { command: 'queue/move', request: { runId: 3, direction: 'down' } },
      { command: 'queue/move', request: { runId: 4, direction: 'top' } },
      { command: 'queue/retry', request: { runId: 5 } }
    ])
  })

  it('offers only the actions a status allows, and no moves past the ends', async () => {
    const { wrapper } = mountQueue([first, second, third], [running], [failed])
    await settle()
    expect(row(wrapper, 1).find('[data-testid="queue-resume"]').exists()).toBe(false)
    expect(row(wrapper, 1).find('[data-testid="queue-up"]').exists()).toBe(false)
    expect(row(wrapper, 2).get('[data-testid="queue-up"]').attributes('disabled')).toBeDefined()
    expect(row(wrapper, 4).get('[data-testid="queue-down"]').attributes('disabled')).toBeDefined()
    expect(row(wrapper, 5).find('[data-testid="queue-cancel"]').exists()).toBe(false)
    expect(row(wrapper, 2).find('[data-testid="queue-retry"]').exists()).toBe(false)
  })

  it('cancels only after confirmation', async () => {
    const { wrapper, lab } = mountQueue([first], [running])
    await settle()
    await row(wrapper, 1).get('[data-testid="queue-cancel"]').trigger('click')
    expect(lab.callsOf('queue/cancel')).toEqual([])
    await wrapper.get('[data-testid="confirm-cancel"]').trigger('click')
    expect(wrapper.find('[data-testid="confirm-dialog"]').exists()).toBe(false)
    expect(lab.callsOf('queue/cancel')).toEqual([])
    await row(wrapper, 1).get('[data-testid="queue-cancel"]').trigger('click')
    await wrapper.get('[data-testid="confirm-ok"]').trigger('click')
    await settle()
    expect(lab.callsOf('queue/cancel')).toEqual([{ runId: 1 }])
  })

  it('follows queue/changed, run/status and run/progress events', async () => {
    const { wrapper, lab } = mountQueue([first, second], [running])
    await settle()
    lab.emit('queue/changed', { queue: [running, second, first] })
    lab.emit('run/progress', { runId: 1, step: 500, totalSteps: 1000, imagesPerSecond: 900, etaSeconds: 3725 })
    await settle()
    expect(
      wrapper
        .get('[data-testid="queue-waiting"]')
        .findAll('[data-testid="queue-row"]')
        .map((r) => r.attributes('data-run-id'))
    ).toEqual(['3', '2'])
    expect(row(wrapper, 1).get('[data-testid="progress-bar"]').attributes('aria-valuenow')).toBe('50')
    expect(row(wrapper, 1).text()).toContain('1h 2m left')
    lab.emit('run/status', { run: { ...running, status: 'failed', error: 'NaN loss' } })
    await settle()
    expect(wrapper.find('[data-testid="queue-running"]').exists()).toBe(false)
    expect(row(wrapper, 1).get('[data-testid="status-badge"]').text()).toBe('failed')
    expect(row(wrapper, 1).find('[data-testid="queue-retry"]').exists()).toBe(true)
    lab.emit('run/status', { run: { ...first, status: 'running', queuePosition: null } })
    await settle()
    expect(
      wrapper
        .get('[data-testid="queue-running"]')
        .findAll('[data-testid="queue-row"]')
        .map((r) => r.attributes('data-run-id'))
    ).toEqual(['2'])
    expect(
      wrapper
        .get('[data-testid="queue-waiting"]')
        .findAll('[data-testid="queue-row"]')
        .map((r) => r.attributes('data-run-id'))
    ).toEqual(['3'])
  })

  it('shows "pausing..." / "cancelling..." with pause and cancel disabled until the run has stopped', async () => {
    const { wrapper, lab } = mountQueue([first], [{ ...running, pending: 'pause' }])
    await settle()
    expect(row(wrapper, 1).get('[data-testid="queue-pending"]').text()).toBe('pausing...')
    expect(row(wrapper, 1).get('[data-testid="queue-pause"]').attributes('disabled')).toBeDefined()
    expect(row(wrapper, 1).get('[data-testid="queue-cancel"]').attributes('disabled')).toBeDefined()
    // the status badge still says what the run is until then
    expect(row(wrapper, 1).get('[data-testid="status-badge"]').text()).toBe('running')
    expect(row(wrapper, 2).find('[data-testid="queue-pending"]').exists()).toBe(false)

    lab.emit('run/status', { run: { ...running, pending: 'cancel' } })
    await settle()
    expect(row(wrapper, 1).get('[data-testid="queue-pending"]').text()).toBe('cancelling...')

    lab.emit('run/status', { run: { ...running, status: 'cancelled', pending: null, queuePosition: null } })
    await settle()
    expect(wrapper.find('[data-testid="queue-running"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="queue-pending"]').exists()).toBe(false)
  })

  it('says "pausing..." from the click on, before the service has answered, and clears it once paused', async () => {
    let answer!: () => void
    const lab = fakeLab({
      'queue/list': () => [running],
      'runs/list': () => [],
      'experiments/list': () => [],
      'queue/pause': () => new Promise<void>((resolve) => (answer = resolve))
    })
    const wrapper = mount(QueueView, { global: { provide: { [LAB_CLIENT as symbol]: lab.client } } })
    await settle()
    expect(row(wrapper, 1).find('[data-testid="queue-pending"]').exists()).toBe(false)
    await row(wrapper, 1).get('[data-testid="queue-pause"]').trigger('click')
    await settle()
    expect(row(wrapper, 1).get('[data-testid="queue-pending"]').text()).toBe('pausing...')
    expect(row(wrapper, 1).get('[data-testid="queue-pause"]').attributes('disabled')).toBeDefined()
    answer()
    await settle()
    // the service's list still shows it running (the trainer ends its step first): still pausing
    expect(row(wrapper, 1).get('[data-testid="queue-pending"]').text()).toBe('pausing...')
    const paused = { ...running, status: 'paused' as const, queuePosition: 1 }
    lab.emit('run/status', { run: paused })
    lab.emit('queue/changed', { queue: [paused] })
    await settle()
    expect(row(wrapper, 1).get('[data-testid="status-badge"]').text()).toBe('paused')
    expect(wrapper.find('[data-testid="queue-pending"]').exists()).toBe(false)
    expect(row(wrapper, 1).get('[data-testid="queue-resume"]').attributes('disabled')).toBeUndefined()
  })

  it('explains an empty queue and shows a failed command in words', async () => {
    const { wrapper } = mountQueue([])
    await settle()
    expect(wrapper.get('[data-testid="empty-state"]').text()).toContain('Nothing is queued')

    const failing = fakeLab({
      'queue/list': () => [first],
      'runs/list': () => [],
      'experiments/list': () => [],
      'queue/pause': () => {
        throw new Error('run 2 is finished: it cannot be paused')
      }
    })
    const view = mount(QueueView, { global: { provide: { [LAB_CLIENT as symbol]: failing.client } } })
    await settle()
    await view.get('[data-testid="queue-pause"]').trigger('click')
    await settle()
    expect(view.get('[data-testid="error"]').text()).toContain('cannot be paused')
  })

  it('shows the slots in use and where they come from, saves a new number, and shows a refusal', async () => {
    const { wrapper, lab } = mountQueue([first], [running])
    await settle()
    expect(wrapper.get('[data-testid="queue-slots-used"]').text()).toBe('1 of 2 slots')
    expect(wrapper.get('[data-testid="queue-slots-source"]').text()).toContain('one per core on wasm')
    await wrapper.get('[data-testid="queue-slots-input"]').setValue(4)
    await wrapper.get('.slots-form').trigger('submit')
    await settle()
    expect(lab.callsOf('settings/set')).toEqual([{ slots: 4 }])
    expect(wrapper.get('[data-testid="queue-slots-used"]').text()).toBe('1 of 4 slots')
    expect(wrapper.get('[data-testid="queue-slots-source"]').text()).toContain('saved in /home/lab/settings.json')
    await wrapper.get('[data-testid="queue-slots-input"]').setValue(0)
    await wrapper.get('.slots-form').trigger('submit')
    await settle()
    expect(wrapper.get('[data-testid="queue-slots-error"]').text()).toContain('slots: expected an integer from 1 to 256')
    expect(wrapper.get('[data-testid="queue-slots-used"]').text()).toBe('1 of 4 slots')
    await wrapper.get('[data-testid="queue-slots-default"]').trigger('click')
    await settle()
    expect(lab.callsOf('settings/set').at(-1)).toEqual({ slots: null })
  })

  it("two running runs side by side, and the experiment's ETA on the slots", async () => {
    const a = makeRun({ id: 11, status: 'running', step: 0, totalSteps: 100 })
    const b = makeRun({ id: 12, status: 'running', step: 50, totalSteps: 100 })
    const next = makeRun({ id: 13, status: 'queued', step: 0, totalSteps: 100, queuePosition: 1 })
    const { wrapper, lab } = mountQueue([next], [a, b])
    await settle()
    expect(
      wrapper
        .get('[data-testid="queue-running"]')
        .findAll('[data-testid="queue-row"]')
        .map((r) => r.attributes('data-run-id'))
    ).toEqual(['11', '12'])
    lab.emit('run/progress', { runId: 11, step: 0, totalSteps: 100, etaSeconds: 100, imagesPerSecond: 10 })
    lab.emit('run/progress', { runId: 12, step: 50, totalSteps: 100, etaSeconds: 50, imagesPerSecond: 10 })
    await settle()
    // two slots: the queued run starts when b ends (50 s) and takes 100 s
    expect(wrapper.get('[data-testid="queue-experiment-eta"]').text()).toMatch(/CIFAR-10 at 40 labels: 3 runs to go, 2m 30s left/)
    // pausing one leaves the other's row as it was
    await row(wrapper, 11).get('[data-testid="queue-pause"]').trigger('click')
    await settle()
    expect(lab.callsOf('queue/pause')).toEqual([{ runId: 11 }])
    expect(row(wrapper, 12).find('[data-testid="queue-pending"]').exists()).toBe(false)
  })

  it("shows a slurm run's job, its state and node, and why a slurm run waits", async () => {
    const onCluster = makeRun({
      id: 7,
      status: 'running',
      executor: 'slurm',
      slurmJobId: '42',
      slurmJob: { state: 'RUNNING', nodes: 'gpu-node-3', reason: 'None' }
    })
    const waiting = makeRun({ id: 8, status: 'queued', queuePosition: 1, executor: 'slurm', waiting: 'waiting for a service with Slurm: sbatch not on PATH' })
    const local = makeRun({ id: 9, status: 'queued', queuePosition: 2 })
    const { wrapper } = mountQueue([waiting, local], [onCluster])
    await settle()
    expect(row(wrapper, 7).get('[data-testid="queue-placement"]').text()).toBe('slurm job 42 RUNNING on gpu-node-3')
    expect(row(wrapper, 8).get('[data-testid="queue-placement"]').text()).toBe('slurm')
    expect(row(wrapper, 8).get('[data-testid="queue-waiting"]').text()).toBe('waiting for a service with Slurm: sbatch not on PATH')
    expect(row(wrapper, 9).find('[data-testid="queue-placement"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
