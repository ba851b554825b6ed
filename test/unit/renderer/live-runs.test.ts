// @vitest-environment happy-dom
// Live lists runs outside an experiment (queue add), and a run that ended
// keeps its status, final top-1 and training time there, linked to its page.
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../src/shared/api.ts'
import { LAB_CLIENT } from '../../../src/renderer/src/api/inject.ts'
import { ENDED_LOOSE_RUNS_SHOWN, looseRunsShown } from '../../../src/renderer/src/live/loose-runs.ts'
import LiveView from '../../../src/renderer/src/views/LiveView.vue'
import { fakeLab, makeRun, settle } from './fake-lab.ts'

const results = (final: number) => ({ final, best: final, medianLast20: { value: final, n: 1 } })
const waitRender = async () => {
  await new Promise((resolve) => setTimeout(resolve, 250))
  await settle()
}

describe('looseRunsShown', () => {
  it('keeps the runs without an experiment: all in flight and the newest that ended, oldest first', () => {
    const ended = Array.from({ length: ENDED_LOOSE_RUNS_SHOWN + 3 }, (_, i) => makeRun({ id: 100 + i, experimentId: null, status: 'finished' }))
    const runs: RunRecord[] = [makeRun({ id: 5, experimentId: null, status: 'queued' }), makeRun({ id: 6, experimentId: 2, status: 'running' }), ...ended]
    const shown = looseRunsShown(runs).map((run) => run.id)
    expect(shown[0]).toBe(5)
    expect(shown).not.toContain(6)
    expect(shown).toHaveLength(1 + ENDED_LOOSE_RUNS_SHOWN)
    expect(shown).not.toContain(100)
    expect(shown.at(-1)).toBe(100 + ENDED_LOOSE_RUNS_SHOWN + 2)
  })
})

describe('LiveView run listing', () => {
  function mountLive(
    runs: RunRecord[],
    experiments = [{ id: 1, name: 'mnist', description: '', createdAt: '2025-11-28T10:00:00Z', preset: 'mnist-quick', runIds: [1, 2] }]
  ) {
    const lab = fakeLab({
      'experiments/list': () => experiments,
      // as the store reads the filters: experimentId null is the runs of no experiment, newest first under a limit
      'runs/list': (request) =>
        runs
          .filter((run) => request.experimentId === undefined || run.experimentId === request.experimentId)
          .filter((run) => !request.status || request.status.includes(run.status))
          .sort((a, b) => b.id - a.id)
          .slice(0, request.limit ?? undefined),
      'runs/series': () => ({})
    })
    const wrapper = mount(LiveView, { props: { experimentId: experiments.length ? 1 : null }, global: { provide: { [LAB_CLIENT as symbol]: lab.client } } })
    return { lab, wrapper }
  }

  it('lists a run queued without an experiment, with its progress and a link to its page, even with no experiment at all', async () => {
    const loose = makeRun({ id: 9, experimentId: null, status: 'running', step: 10, totalSteps: 40 })
    const { wrapper, lab } = mountLive([loose], [])
    await waitRender()
    const row = wrapper.get('[data-testid="live-loose-runs"] [data-testid="run-progress"][data-run-id="9"]')
    expect(row.get('[data-testid="run-link"]').attributes('href')).toBe('#/runs/9')
    expect(wrapper.text()).not.toContain('No runs yet')
    lab.emit('run/progress', { runId: 9, step: 30, totalSteps: 40, imagesPerSecond: 120, etaSeconds: 5 })
    await waitRender()
    expect(wrapper.get('[data-testid="live-loose-runs"]').text()).toContain('120 img/s')
  })

  it('keeps an ended run listed with its status, final top-1 and time, in the experiment and outside', async () => {
    const inExperiment = makeRun({ id: 1, experimentId: 1, status: 'running', trainSeconds: 0 })
    const other = makeRun({ id: 2, experimentId: 1, status: 'running' })
    const loose = makeRun({ id: 9, experimentId: null, status: 'running', trainSeconds: 0 })
    const { wrapper, lab } = mountLive([inExperiment, other, loose])
    await settle()
    lab.emit('run/status', { run: { ...inExperiment, status: 'finished', results: results(97.25), trainSeconds: 125 } })
    lab.emit('run/status', { run: { ...loose, status: 'finished', results: results(88.5), trainSeconds: 61 } })
    await waitRender()
    for (const [section, id, top1, time] of [
      ['live-progress', 1, '97.3%', '2m 5s'],
      ['live-loose-runs', 9, '88.5%', '1m 1s']
    ] as const) {
      const row = wrapper.get(`[data-testid="${section}"] [data-testid="run-progress"][data-run-id="${id}"]`)
      expect(row.get('[data-testid="status-badge"]').attributes('data-status')).toBe('finished')
      expect(row.get('[data-testid="run-final-top1"]').text()).toBe(top1)
      expect(row.get('[data-testid="run-train-time"]').text()).toBe(time)
    }
  })

  it('finds a loose run however many newer runs experiments hold', async () => {
    const older = makeRun({ id: 1, experimentId: null, status: 'finished', results: results(91) })
    const experimentRuns = Array.from({ length: 600 }, (_, i) => makeRun({ id: i + 2, experimentId: 1, status: 'finished' }))
    const { wrapper } = mountLive([older, ...experimentRuns])
    await waitRender()
    expect(wrapper.get('[data-testid="live-loose-runs"] [data-run-id="1"] [data-testid="run-final-top1"]').text()).toBe('91.0%')
  })

  it('a run that joins later without an experiment appears at once', async () => {
    const { wrapper, lab } = mountLive([makeRun({ id: 1, experimentId: 1, status: 'running' })])
    await settle()
    expect(wrapper.find('[data-testid="live-loose-runs"]').exists()).toBe(false)
    lab.emit('run/status', { run: makeRun({ id: 12, experimentId: null, status: 'queued', step: 0 }) })
    await waitRender()
    expect(wrapper.find('[data-testid="live-loose-runs"] [data-run-id="12"]').exists()).toBe(true)
  })
})
