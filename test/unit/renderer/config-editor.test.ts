// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { DatasetAvailability } from '../../../src/shared/api.ts'
import { CONFIG_SCHEMA, resolveConfig } from '../../../src/shared/config.ts'
import { PRESETS } from '../../../src/shared/presets.ts'
import { METHOD_DESCRIPTORS } from '../../../src/shared/methods/index.ts'
import { resultsTable } from '../../../src/renderer/src/results/table.ts'
import { LAB_CLIENT } from '../../../src/renderer/src/api/inject.ts'
import {
  baselineConfig,
  checkDraft,
  createRequest,
  diffAgainstBaseline,
  draftFromConfig,
  groupedFields,
  missingDatasetWarning,
  parseSeeds
} from '../../../src/renderer/src/editor/form-model.ts'
import ExperimentView from '../../../src/renderer/src/views/ExperimentView.vue'
import { fakeLab, makeRun, settle } from './fake-lab.ts'

const presetList = Object.entries(PRESETS).map(([name, p]) => ({ name, ...p }))

const CIFAR10_MISSING = 'CIFAR-10 is not in /h/datasets/cifar10. Get it with `fixmatch-lab data download cifar10`.'
const withoutCifar: DatasetAvailability[] = [
  { name: 'mnist', installed: true },
  { name: 'cifar10', installed: false, howToGet: CIFAR10_MISSING },
  { name: 'cifar100', installed: true }
]

function mountEditor(options: { runs?: number; create?: (r: unknown) => unknown; datasets?: DatasetAvailability[] } = {}) {
  const lab = fakeLab({
    'app/info': () => ({ name: 'FixMatch Lab', version: '0', home: '/h', backend: null, device: null, advice: [], datasets: options.datasets ?? withoutCifar }),
    'presets/list': () => presetList,
    'runs/list': () => Array.from({ length: options.runs ?? 1 }, () => makeRun()),
    'experiments/create': (request) =>
      (options.create
        ? options.create(request)
        : { id: 5, name: request.name, description: '', createdAt: 'now', preset: request.preset ?? null, runIds: [1, 2, 3] }) as never
  })
  const wrapper = mount(ExperimentView, { global: { provide: { [LAB_CLIENT as symbol]: lab.client } } })
  return { lab, wrapper }
}

describe('form model', () => {
  it('places every schema key exactly once: in a group, the prominent block, or the per-run controls', () => {
    const grouped = groupedFields().flatMap((g) => g.keys)
    const all = [...grouped, 'labelsPerClass', 'variant', 'seed'].sort()
    expect(all).toEqual(Object.keys(CONFIG_SCHEMA).sort())
  })

  it("reports checkField's message for a bad value and accepts a good one", () => {
    const draft = draftFromConfig(resolveConfig({}))
    draft.threshold = '1.5'
    draft.mu = 'two'
    const check = checkDraft(draft)
    expect(check.config).toBeNull()
    expect(check.errors.threshold).toMatch(/^threshold: 1\.5 is not allowed; expected a number >= 0 and <= 1/)
    expect(check.errors.mu).toMatch(/^mu: "two" is not allowed; expected an integer >= 1/)
    draft.threshold = '0.9'
    draft.mu = '7'
    expect(checkDraft(draft).config).toMatchObject({ threshold: 0.9, mu: 7 })
  })

  it('reports cross-field rules on their key', () => {
    const draft = draftFromConfig(resolveConfig({}))
    draft.dataset = 'folder'
    expect(checkDraft(draft).errors.datasetPath).toMatch(/datasetPath: required/)
  })

  it('parses seed lists and rejects bad or repeated seeds', () => {
    expect(parseSeeds('1, 2 ,3')).toEqual({ seeds: [1, 2, 3] })
    expect(parseSeeds('4 5')).toEqual({ seeds: [4, 5] })
    expect(parseSeeds('').error).toMatch(/at least one seed/)
    expect(parseSeeds('1,x').error).toMatch(/"x" is not allowed/)
    expect(parseSeeds('1,-2').error).toMatch(/"-2" is not allowed/)
    expect(parseSeeds('1,1').error).toMatch(/listed twice/)
  })

  it('diffs against the preset FixMatch (O) baseline, leaving variant and seed out', () => {
    const preset = presetList.find((p) => p.name === 'cifar10-40')!
    const baseline = baselineConfig(preset)
    expect(diffAgainstBaseline(baseline, resolveConfig(preset.config, { variant: 'U', seed: 9 }))).toEqual([])
    const edited = resolveConfig(preset.config, { threshold: 0.9, labelsPerClass: 25 })
    expect(diffAgainstBaseline(baseline, edited).map((d) => d.key)).toEqual(['labelsPerClass', 'threshold'])
  })

  it('builds the experiments/create request: variants in S,O,L,U,U+ order, no per-run keys, a name when none is typed', () => {
    const request = createRequest({ name: ' ', preset: 'mnist-quick', config: resolveConfig({ dataset: 'mnist' }), variants: ['U', 'O'], seeds: [1, 2] })
    expect(request.variants).toEqual(['O', 'U'])
    expect(request.seeds).toEqual([1, 2])
    expect(request.config).not.toHaveProperty('variant')
    expect(request.config).not.toHaveProperty('seed')
    expect(request.name).toBe('mnist · 4 labels/class · O, U')
    expect(request.preset).toBe('mnist-quick')
  })
})

describe('ExperimentView', () => {
  it('renders one field per schema key', async () => {
    const { wrapper } = mountEditor()
    await settle()
    for (const key of Object.keys(CONFIG_SCHEMA)) expect(wrapper.find(`[data-testid="field-${key}"]`).exists(), key).toBe(true)
    // the doc of a field is its help text
    expect(wrapper.text()).toContain(CONFIG_SCHEMA.threshold.doc)
  })

  it('shows the validation message for a bad value and disables queueing while invalid', async () => {
    const { wrapper } = mountEditor()
    await settle()
    const queue = wrapper.get('[data-testid="queue-experiment"]')
    expect(queue.attributes('disabled')).toBeUndefined()
    await wrapper.get('[data-testid="field-threshold"]').setValue('1.5')
    const message = wrapper.get('[data-testid="field-error-threshold"]').text()
    expect(message).toContain('threshold')
    expect(message).toContain('<= 1')
    expect(queue.attributes('disabled')).toBeDefined()
    await wrapper.get('[data-testid="field-threshold"]').setValue('0.9')
    expect(wrapper.find('[data-testid="field-error-threshold"]').exists()).toBe(false)
    expect(queue.attributes('disabled')).toBeUndefined()
    await wrapper.get('[data-testid="field-seed"]').setValue('1, one')
    expect(wrapper.get('[data-testid="field-error-seed"]').text()).toContain('"one"')
    expect(queue.attributes('disabled')).toBeDefined()
  })

  it('offers every method of the registry under the title the Results table uses, with its doc and loss', async () => {
    const { wrapper } = mountEditor()
    await settle()
    const boxes = wrapper.findAll('[data-testid^="variant-"]')
    expect(boxes.map((b) => b.attributes('data-testid'))).toEqual(METHOD_DESCRIPTORS.map((m) => `variant-${m.name}`))
    const header = resultsTable(
      METHOD_DESCRIPTORS.map((m) => ({ variant: m.name, seeds: [], top1: [], top5: [], trainSeconds: [], runs: [], pending: 0, failed: 0 }))
    ).header
    for (const [i, method] of METHOD_DESCRIPTORS.entries()) {
      const label = boxes[i]!.element.closest('label')!
      expect(label.textContent).toContain(`${method.title}: ${method.doc}`)
      expect(label.getAttribute('title')).toBe(method.loss)
      expect(header[i + 1]).toBe(method.title)
    }
    expect(wrapper.text()).toContain('FixMatch + SimCLR (L)')
    expect(wrapper.text()).toContain('FixMatch + pairwise (U)')
  })

  it('disables queueing when no variant is ticked', async () => {
    const { wrapper } = mountEditor()
    await settle()
    for (const box of wrapper.findAll('[data-testid^="variant-"]')) await box.setValue(false)
    expect(wrapper.get('[data-testid="field-error-variant"]').text()).toContain('at least one')
    expect(wrapper.get('[data-testid="queue-experiment"]').attributes('disabled')).toBeDefined()
  })

  it('lists the changed keys in the diff against O', async () => {
    const { wrapper } = mountEditor()
    await settle()
    expect(wrapper.find('[data-testid="config-diff-empty"]').exists()).toBe(true)
    await wrapper.get('[data-testid="field-lambdaU"]').setValue('2')
    await wrapper.get('[data-testid="field-labelsPerClass"]').setValue('25')
    const rows = wrapper.findAll('[data-testid^="diff-row-"]').map((row) => row.attributes('data-testid'))
    expect(rows).toEqual(['diff-row-labelsPerClass', 'diff-row-lambdaU'])
    expect(wrapper.get('[data-testid="diff-row-lambdaU"]').text()).toContain('2')
  })

  it('queues variants x seeds with one experiments/create call and reports the run count', async () => {
    const { wrapper, lab } = mountEditor()
    await settle()
    await wrapper.get('[data-testid="preset-picker"]').setValue('cifar10-40')
    await wrapper.get('[data-testid="field-seed"]').setValue('1,2')
    expect(wrapper.get('[data-testid="run-count"]').text()).toContain('3 variants × 2 seeds = 6 runs')
    await wrapper.get('[data-testid="queue-experiment"]').trigger('click')
    await settle()
    const [request] = lab.callsOf('experiments/create') as { variants: string[]; seeds: number[]; preset: string; config: Record<string, unknown> }[]
    expect(request!.variants).toEqual(['O', 'L', 'U'])
    expect(request!.seeds).toEqual([1, 2])
    expect(request!.preset).toBe('cifar10-40')
    expect(request!.config.model).toBe('wrn-28-2')
    expect(wrapper.emitted('queued')).toHaveLength(1)
  })

  it("shows the service's error on the field it names", async () => {
    const { wrapper } = mountEditor({
      create: () => {
        throw Object.assign(new Error('datasetPath: /nope is not a folder'), { field: 'datasetPath' })
      }
    })
    await settle()
    await wrapper.get('[data-testid="queue-experiment"]').trigger('click')
    await settle()
    expect(wrapper.get('[data-testid="field-error-datasetPath"]').text()).toBe('datasetPath: /nope is not a folder')
    expect(wrapper.get('[data-testid="error"]').text()).toContain('/nope')
  })

  it('offers the MNIST quick run on first start and queues it with one click', async () => {
    const { wrapper, lab } = mountEditor({ runs: 0 })
    await settle()
    await wrapper.get('[data-testid="queue-mnist-quick"]').trigger('click')
    await settle()
    const [request] = lab.callsOf('experiments/create') as { preset: string; variants: string[]; seeds: number[]; config: Record<string, unknown> }[]
    expect(request).toMatchObject({ preset: 'mnist-quick', variants: ['O'], seeds: [1] })
    expect(request!.config.dataset).toBe('mnist')
    expect(wrapper.find('[data-testid="first-run-offer"]').exists()).toBe(false)
  })

  it('does not offer the MNIST run when runs exist', async () => {
    const { wrapper } = mountEditor({ runs: 1 })
    await settle()
    expect(wrapper.find('[data-testid="first-run-offer"]').exists()).toBe(false)
  })
})

describe('missing datasets', () => {
  it('warns for a dataset the home does not have, with how to get it; not for one it has, an image folder, or before the service said', () => {
    expect(missingDatasetWarning('cifar10', withoutCifar)).toBe(`${CIFAR10_MISSING} Until then, its runs fail as soon as they start.`)
    expect(missingDatasetWarning('cifar100', withoutCifar)).toBeUndefined()
    expect(missingDatasetWarning('mnist', withoutCifar)).toBeUndefined()
    expect(missingDatasetWarning('folder', withoutCifar)).toBeUndefined()
    expect(missingDatasetWarning('cifar10', undefined)).toBeUndefined()
  })

  it('the editor warns before queueing a preset whose dataset is not imported, and asks again when the dataset changes', async () => {
    const { wrapper, lab } = mountEditor()
    await settle()
    await wrapper.get('[data-testid="preset-picker"]').setValue('mnist-quick')
    await settle()
    expect(wrapper.find('[data-testid="dataset-missing"]').exists()).toBe(false)
    const asked = lab.callsOf('app/info').length
    await wrapper.get('[data-testid="preset-picker"]').setValue('cifar10-40')
    await settle()
    expect(lab.callsOf('app/info').length).toBeGreaterThan(asked)
    expect(wrapper.get('[data-testid="dataset-missing"]').text()).toContain('fixmatch-lab data download cifar10')
    // a warning, not a block: the worker may get the data before the run starts
    expect(wrapper.get('[data-testid="queue-experiment"]').attributes('disabled')).toBeUndefined()
  })
})
