// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LAB_CLIENT } from '../../../src/renderer/src/api/inject.ts'
import ResultsView from '../../../src/renderer/src/views/ResultsView.vue'
import { fakeLab, makeRun, settle } from './fake-lab.ts'

const summary = (top1: number) => ({ 'eval/top1': { last: top1, lastStep: 1000, best: top1, min: 0, max: top1 } })
const results = (final: number, best: number, median: number, n = 20) => ({ final, best, medianLast20: { value: median, n } })

async function mountView() {
  const runs = [
    makeRun({ id: 11, variant: 'O', seed: 1, summary: summary(80), results: results(80, 85, 79) }),
    makeRun({ id: 12, variant: 'O', seed: 2, summary: summary(82), results: results(82, 86, 81) }),
    makeRun({ id: 13, variant: 'U', seed: 1, summary: summary(82), results: results(82, 86, 81, 9) }),
    makeRun({ id: 14, variant: 'U', seed: 2, summary: summary(85), results: results(85, 88, 84) })
  ]
  const lab = fakeLab({
    'experiments/list': () => [
      { id: 1, name: 'study', description: '', createdAt: '2025-11-28T10:00:00Z', preset: 'mnist-quick', runIds: runs.map((r) => r.id) }
    ],
    'runs/list': () => runs
  })
  const wrapper = mount(ResultsView, { props: { experimentId: 1 }, global: { provide: { [LAB_CLIENT as symbol]: lab.client } }, attachTo: document.body })
  await settle()
  return wrapper
}

afterEach(() => vi.restoreAllMocks())

describe('ResultsView', () => {
  it('switches the statistic, and the table says which it shows', async () => {
    const wrapper = await mountView()
    const cell = (key: string) => wrapper.find(`[data-testid="results-cell-${key}"]`)
    expect(wrapper.text()).toContain('Top-1 (final evaluation)')
    expect(cell('top-1-O').text()).toBe('81.0 ± 1.4 (n=2)')
    await wrapper.find('[data-testid="results-stat"]').setValue('best')
    expect(wrapper.text()).toContain('Top-1 (best evaluation)')
    expect(cell('top-1-O').text()).toBe('85.5 ± 0.7 (n=2)')
    await wrapper.find('[data-testid="results-stat"]').setValue('median20')
    expect(wrapper.text()).toContain('Top-1 (median of the last 20 evaluations)')
    expect(cell('top-1-U').text()).toBe('82.5 ± 2.1 (n=2)')
    expect(cell('median-count-U').text()).toBe('9-20')
    wrapper.unmount()
  })

  it('shows the per-seed values when toggled, and the paired difference from the reference chosen', async () => {
    const wrapper = await mountView()
    expect(wrapper.find('[data-testid="results-cell-top-1-seed-2-U"]').exists()).toBe(false)
    await wrapper.find('[data-testid="results-per-seed"]').setValue(true)
    expect(wrapper.find('[data-testid="results-cell-top-1-seed-2-U"]').text()).toBe('85.00')
    await wrapper.find('[data-testid="results-per-seed"]').setValue(false)
    expect(wrapper.find('[data-testid="results-cell-top-1-seed-2-U"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="results-cell-paired-U"]').exists()).toBe(false)
    await wrapper.find('[data-testid="results-reference"]').setValue('O')
    // U - O final: 2, 3 -> mean 2.5, sd 0.707, half-width 12.706 * 0.5
    expect(wrapper.find('[data-testid="results-cell-paired-U"]').text()).toBe('+2.50 [-3.85, +8.85] (n=2)')
    expect(wrapper.find('[data-testid="results-cell-paired-verdict-U"]').text()).toBe('no clear difference from O')
    wrapper.unmount()
  })

  it('exports the CSV of numbers under every statistic, whatever the table shows', async () => {
    const blobs: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => (blobs.push(blob as Blob), 'blob:results'))
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
    const names: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download)
    })
    const wrapper = await mountView()
    await wrapper.find('[data-testid="results-stat"]').setValue('median20')
    await wrapper.find('[data-testid="export-csv"]').trigger('click')
    expect(names).toEqual(['study-results.csv'])
    const csv = await blobs[0]!.text()
    expect(csv.split('\r\n')).toContain('U,2,82.5,2.1213203435596424,,3600,median20')
    wrapper.unmount()
  })

  it('links each cell to its runs and marks the best value of a row', async () => {
    const wrapper = await mountView()
    const cell = (key: string) => wrapper.get(`[data-testid="results-cell-${key}"]`)
    // final: O 81.0, U 83.5; train time the same for both (a tie marks both)
    expect(cell('top-1-U').attributes('data-best')).toBe('true')
    expect(cell('top-1-U').attributes('title')).toContain('best in this row')
    expect(cell('top-1-O').attributes('data-best')).toBeUndefined()
    expect(cell('train-time-O').attributes('data-best')).toBe('true')
    expect(cell('train-time-U').attributes('data-best')).toBe('true')
    const href = (key: string) => cell(key).get('[data-testid="results-cell-link"]').attributes('href')
    expect(href('top-1-O')).toBe('#/compare?runs=11,12')
    expect(href('seeds-U')).toBe('#/compare?runs=13,14')
    await wrapper.find('[data-testid="results-per-seed"]').setValue(true)
    expect(href('top-1-seed-2-U')).toBe('#/runs/14')
    expect(cell('top-1-seed-2-U').attributes('data-best')).toBe('true')
    wrapper.unmount()
  })
})
