// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { ExperimentRecord } from '../../../src/shared/api.ts'
import { resolveConfig } from '../../../src/shared/config.ts'
import { LAB_CLIENT } from '../../../src/renderer/src/api/inject.ts'
import { allTags, filterRuns, parseTags } from '../../../src/renderer/src/history/filter.ts'
import HistoryView from '../../../src/renderer/src/views/HistoryView.vue'
import { fakeLab, makeRun, settle } from './fake-lab.ts'

const experiments: ExperimentRecord[] = [
  { id: 1, name: 'CIFAR-10 at 40 labels', description: '', createdAt: '2025-11-20T10:00:00Z', preset: 'cifar10-40', runIds: [1, 2] },
  { id: 2, name: 'MNIST quick start', description: '', createdAt: '2025-11-27T10:00:00Z', preset: 'mnist-quick', runIds: [3] }
]
const runs = [
  makeRun({ id: 1, experimentId: 1, variant: 'O', seed: 1, tags: ['baseline'] }),
  makeRun({ id: 2, experimentId: 1, variant: 'U', seed: 1, note: 'the 92.4 run', config: resolveConfig({ variant: 'U', temperature: 0.2 }) }),
  makeRun({ id: 3, experimentId: 2, variant: 'O', seed: 2, tags: ['quick', 'baseline'] }),
  makeRun({ id: 4, experimentId: null, variant: 'S', seed: 1 })
]

describe('history filter', () => {
  it('matches experiment name, tag, variant, note and #id; every word must match', () => {
    const ids = (query: string, variant: '' | 'O' | 'U' | 'S' = '', tag = '') => filterRuns(runs, experiments, { query, variant, tag }).map((r) => r.id)
    expect(ids('cifar')).toEqual([1, 2])
    expect(ids('cifar baseline')).toEqual([1])
    expect(ids('92.4')).toEqual([2])
    expect(ids('#3')).toEqual([3])
    expect(ids('', 'O')).toEqual([1, 3])
    expect(ids('', '', 'quick')).toEqual([3])
    expect(ids('nothing like this')).toEqual([])
  })

  it('lists tags; parses tag text', () => {
    expect(allTags(runs)).toEqual(['baseline', 'quick'])
    expect(parseTags(' a, b ,,a ')).toEqual(['a', 'b'])
  })
})

function mountHistory() {
  const lab = fakeLab({
    'runs/list': () => runs,
    'experiments/list': () => experiments,
    'runs/series': () => ({ 'eval/top1': [{ step: 0, value: 10 }], loss: [{ step: 0, value: 2 }] }),
    'runs/tag': () => undefined,
    'runs/note': () => undefined,
    'runs/delete': () => undefined,
    'experiments/delete': () => undefined,
    'runs/export': (request) => ({ fileName: `run-${request.runId}.${request.format}`, content: 'step,loss\n' })
  })
  const wrapper = mount(HistoryView, { global: { provide: { [LAB_CLIENT as symbol]: lab.client } }, attachTo: document.body })
  return { lab, wrapper }
}

const row = (wrapper: ReturnType<typeof mountHistory>['wrapper'], id: number) => wrapper.get(`[data-testid="run-row"][data-run-id="${id}"]`)

describe('HistoryView', () => {
  it('searches as you type', async () => {
    const { wrapper } = mountHistory()
    await settle()
    expect(wrapper.findAll('[data-testid="run-row"]')).toHaveLength(4)
    await wrapper.get('[data-testid="history-search"]').setValue('baseline')
    expect(wrapper.findAll('[data-testid="run-row"]').map((r) => r.attributes('data-run-id'))).toEqual(['3', '1'])
    await wrapper.get('[data-testid="history-search"]').setValue('zzz')
    expect(wrapper.get('[data-testid="empty-state"]').text()).toContain('No run matches')
  })

  it('compares two runs: only the differing config keys', async () => {
    const { wrapper, lab } = mountHistory()
    await settle()
    await row(wrapper, 1).get('[data-testid="compare-select"]').setValue(true)
    expect(wrapper.find('[data-testid="compare-panel"]').exists()).toBe(false)
    await row(wrapper, 2).get('[data-testid="compare-select"]').setValue(true)
    await settle()
    const keys = wrapper
      .get('[data-testid="compare-panel"]')
      .findAll('[data-testid^="diff-row-"]')
      .map((r) => r.attributes('data-testid'))
    expect(keys).toEqual(['diff-row-variant', 'diff-row-temperature'])
    expect(
      lab
        .callsOf('runs/series')
        .map((r) => (r as { runId: number }).runId)
        .sort()
    ).toEqual([1, 2])
    // any number of runs: a third tick hides the two-run panel and Compare opens the comparison page
    await row(wrapper, 3).get('[data-testid="compare-select"]').setValue(true)
    expect(wrapper.find('[data-testid="compare-panel"]').exists()).toBe(false)
    const compare = wrapper.get('[data-testid="compare-selected"]')
    expect(compare.text()).toBe('Compare 3 runs')
    await compare.trigger('click')
    expect(location.hash).toBe('#/compare?runs=1,2,3')
    await row(wrapper, 2).get('[data-testid="compare-select"]').setValue(false)
    await compare.trigger('click')
    expect(location.hash).toBe('#/compare?runs=1,3')
  })

  it('shows one table row per run, newest first, each linking to its run page; sorts by a clicked column', async () => {
    const { wrapper } = mountHistory()
    await settle()
    const order = () => wrapper.findAll('[data-testid="run-row"]').map((r) => r.attributes('data-run-id'))
    expect(order()).toEqual(['4', '3', '2', '1'])
    expect(row(wrapper, 2).get('[data-testid="run-link"]').attributes('href')).toBe('#/runs/2')
    await wrapper.get('[data-testid="sort-variant"]').trigger('click')
    // O, O, S, U; equal variants by id
    expect(order()).toEqual(['1', '3', '4', '2'])
    await wrapper.get('[data-testid="sort-variant"]').trigger('click')
    expect(order()).toEqual(['2', '4', '1', '3'])
    expect(wrapper.get('[data-testid="sort-variant"]').element.parentElement!.getAttribute('aria-sort')).toBe('descending')
  })

  it('narrows by a filter expression, together with the search, and says what is wrong with a bad one', async () => {
    const { wrapper } = mountHistory()
    await settle()
    const ids = () => wrapper.findAll('[data-testid="run-row"]').map((r) => r.attributes('data-run-id'))
    await wrapper.get('[data-testid="history-expression"]').setValue('temperature = 0.2')
    expect(ids()).toEqual(['2'])
    await wrapper.get('[data-testid="history-expression"]').setValue('variant = O, tag:baseline')
    expect(ids()).toEqual(['3', '1'])
    await wrapper.get('[data-testid="history-search"]').setValue('quick')
    expect(ids()).toEqual(['3'])
    await wrapper.get('[data-testid="history-search"]').setValue('')
    // a half-typed expression says why and keeps the last good filter
    await wrapper.get('[data-testid="history-expression"]').setValue('variant = O, top1 >')
    expect(wrapper.get('[data-testid="history-expression-error"]').text()).toBe('“top1 >” needs a value after it.')
    expect(ids()).toEqual(['3', '1'])
    await wrapper.get('[data-testid="history-expression"]').setValue('')
    expect(wrapper.find('[data-testid="history-expression-error"]').exists()).toBe(false)
    expect(ids()).toHaveLength(4)
  })

  it('adds a config key as a column from the chooser, and keeps the choice across a reload', async () => {
    localStorage.clear()
    const first = mountHistory()
    await settle()
    expect(first.wrapper.find('[data-testid="run-cell-temperature"]').exists()).toBe(false)
    await first.wrapper.get('[data-testid="column-toggle-temperature"]').setValue(true)
    expect(row(first.wrapper, 2).get('[data-testid="run-cell-temperature"]').text()).toBe('0.2')
    expect(row(first.wrapper, 1).get('[data-testid="run-cell-temperature"]').text()).toBe(String(resolveConfig({}).temperature))
    first.wrapper.unmount()
    const second = mountHistory()
    await settle()
    expect(row(second.wrapper, 2).get('[data-testid="run-cell-temperature"]').text()).toBe('0.2')
    await second.wrapper.get('[data-testid="column-toggle-temperature"]').setValue(false)
    expect(second.wrapper.find('[data-testid="run-cell-temperature"]').exists()).toBe(false)
    expect(JSON.parse(localStorage.getItem('fixmatch-lab.history.columns')!)).toEqual([])
  })

  it('saves tags and note', async () => {
    const { wrapper, lab } = mountHistory()
    await settle()
    await row(wrapper, 2).get('[data-testid="run-annotate"]').trigger('click')
    await wrapper.get('[data-testid="run-tags-input"]').setValue('study, seed check')
    await wrapper.get('[data-testid="run-note-input"]').setValue('compare with U+')
    await wrapper.get('[data-testid="run-annotations"]').trigger('submit')
    await settle()
    expect(lab.callsOf('runs/tag')).toEqual([{ runId: 2, tags: ['study', 'seed check'] }])
    expect(lab.callsOf('runs/note')).toEqual([{ runId: 2, note: 'compare with U+' }])
    expect(
      row(wrapper, 2)
        .findAll('[data-testid="run-tag"]')
        .map((t) => t.text())
    ).toEqual(['study', 'seed check'])
  })

  it('deletes a run only after confirmation', async () => {
    const { wrapper, lab } = mountHistory()
    await settle()
    await row(wrapper, 4).get('[data-testid="run-delete"]').trigger('click')
    expect(wrapper.get('[data-testid="confirm-dialog"]').text()).toContain('Delete run #4?')
    expect(lab.callsOf('runs/delete')).toEqual([])
    await wrapper.get('[data-testid="confirm-ok"]').trigger('click')
    await settle()
    expect(lab.callsOf('runs/delete')).toEqual([{ runId: 4 }])
  })

  it('deletes an experiment after a confirmation that says what goes and that a training run must be cancelled first', async () => {
    const { wrapper, lab } = mountHistory()
    await settle()
    await wrapper.get('[aria-label="delete experiment CIFAR-10 at 40 labels"]').trigger('click')
    const text = wrapper.get('[data-testid="confirm-dialog"]').text()
    expect(text).toContain('Its 2 runs, queued ones included, with their metrics and checkpoint folders, are removed for good')
    expect(text).toContain('A run that is training must be cancelled first')
    await wrapper.get('[data-testid="confirm-ok"]').trigger('click')
    await settle()
    expect(lab.callsOf('experiments/delete')).toEqual([{ experimentId: 1 }])
  })

  it('names the run that is training in the experiment deletion dialog, and shows the service refusing', async () => {
    const training = runs.map((run) => (run.id === 2 ? { ...run, status: 'running' as const } : run))
    const lab = fakeLab({
      'runs/list': () => training,
      'experiments/list': () => experiments,
      'experiments/delete': () => {
        throw new Error('run 2 is running: cancel it before deleting the experiment "CIFAR-10 at 40 labels"')
      }
    })
    const wrapper = mount(HistoryView, { global: { provide: { [LAB_CLIENT as symbol]: lab.client } }, attachTo: document.body })
    await settle()
    await wrapper.get('[aria-label="delete experiment CIFAR-10 at 40 labels"]').trigger('click')
    expect(wrapper.get('[data-testid="confirm-dialog"]').text()).toContain('Run #2 is training now: cancel it in the Queue first')
    await wrapper.get('[data-testid="confirm-ok"]').trigger('click')
    await settle()
    expect(wrapper.get('[data-testid="error"]').text()).toContain('run 2 is running: cancel it before deleting')
  })

  it('exports through runs/export', async () => {
    const { wrapper, lab } = mountHistory()
    await settle()
    URL.createObjectURL = () => 'blob:fake'
    URL.revokeObjectURL = () => {}
    await row(wrapper, 1).get('[data-testid="run-export-json"]').trigger('click')
    await settle()
    expect(lab.callsOf('runs/export')).toEqual([{ runId: 1, format: 'json' }])
    expect(wrapper.find('[data-testid="error"]').exists()).toBe(false)
  })
})
