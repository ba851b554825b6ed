// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { DatasetAvailability, RunRecord } from '../../../src/shared/api.ts'
import { CONFIG_SCHEMA, resolveConfig } from '../../../src/shared/config.ts'
import { PRESETS } from '../../../src/shared/presets.ts'
import { formatDuration } from '../../../src/shared/format.ts'
import { METHOD_DESCRIPTORS } from '../../../src/shared/methods/index.ts'
import { resultsTable } from '../../../src/renderer/src/results/table.ts'
import { LAB_CLIENT } from '../../../src/renderer/src/api/inject.ts'
import {
  baselineConfig,
  checkDraft,
  createRequest,
  diffAgainstBaseline,
  draftFromConfig,
  editsSincePreset,
  fieldHint,
  groupedFields,
  missingDatasetWarning,
  parseSeeds,
  presetDraft
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

function mountEditor(
  options: { runs?: number; create?: (r: unknown) => unknown; datasets?: DatasetAvailability[]; finished?: RunRecord[]; slots?: number; backend?: string } = {}
) {
  const lab = fakeLab({
    'app/info': () => ({
      name: 'FixMatch Lab',
      version: '0',
      home: '/h',
      backend: options.backend ?? null,
      device: null,
      advice: [],
      datasets: options.datasets ?? withoutCifar
    }),
    'presets/list': () => presetList,
    'runs/list': (request) =>
      request.status?.includes('finished') && options.finished ? options.finished : Array.from({ length: options.runs ?? 1 }, () => makeRun()),
    'settings/get': () => ({
      slots: options.slots ?? 1,
      source: 'default',
      saved: null,
      defaultSlots: 1,
      defaultReason: 'one per core',
      running: 0,
      file: '/h/settings.json'
    }),
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

  it('keeps the diff of the valid fields while another field is invalid', () => {
    const preset = presetList.find((p) => p.name === 'mnist-quick')!
    const draft = presetDraft(preset)
    draft.lambdaU = '2'
    draft.threshold = '1.5'
    const check = checkDraft(draft)
    expect(check.config).toBeNull()
    expect(check.values.threshold).toBeUndefined()
    expect(diffAgainstBaseline(baselineConfig(preset), check.values)).toEqual([{ key: 'lambdaU', values: [1, 2] }])
  })

  it("names the preset's value in a field's hint, the schema default only for a custom experiment", () => {
    const preset = presetList.find((p) => p.name === 'cifar10-40')!
    const start = resolveConfig(preset.config)
    expect(start.steps).not.toBe(CONFIG_SCHEMA.steps.default)
    expect(fieldHint('steps', 'cifar10-40', start)).toBe(`cifar10-40: ${start.steps}`)
    expect(fieldHint('steps', undefined, resolveConfig({}))).toBe(`default ${CONFIG_SCHEMA.steps.default}`)
    expect(fieldHint('datasetPath', undefined, resolveConfig({}))).toBe('default empty')
  })

  it('lists the edits a preset switch would discard: typed fields and changed variants', () => {
    const preset = presetList.find((p) => p.name === 'mnist-quick')!
    const draft = presetDraft(preset)
    expect(editsSincePreset(draft, preset.defaultVariants, preset)).toEqual([])
    draft.lr = '0.1'
    expect(editsSincePreset(draft, preset.defaultVariants, preset)).toEqual(['lr'])
    expect(editsSincePreset(draft, ['O'], preset)).toEqual(['lr', 'variants'])
    // the same variants in another order are no edit
    expect(editsSincePreset(presetDraft(preset), [...preset.defaultVariants].reverse(), preset)).toEqual([])
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

  it("shows the preset's value in each hint", async () => {
    const { wrapper } = mountEditor()
    await settle()
    await wrapper.get('[data-testid="preset-picker"]').setValue('cifar10-40')
    await settle()
    const steps = resolveConfig(PRESETS['cifar10-40']!.config).steps
    expect(wrapper.get('[data-testid="hint-steps"]').text()).toContain(`cifar10-40: ${steps}`)
    expect(wrapper.get('[data-testid="hint-steps"]').text()).not.toContain(`default ${CONFIG_SCHEMA.steps.default}`)
  })

  it('asks before a preset switch discards edits; Keep leaves them, confirming switches', async () => {
    const { wrapper } = mountEditor()
    await settle()
    const picker = wrapper.get('[data-testid="preset-picker"]')
    const first = (picker.element as HTMLSelectElement).value
    await wrapper.get('[data-testid="field-lr"]').setValue('0.5')
    await picker.setValue('cifar10-40')
    expect(wrapper.get('[data-testid="confirm-dialog"]').text()).toContain('lr')
    await wrapper.get('[data-testid="confirm-cancel"]').trigger('click')
    expect(wrapper.find('[data-testid="confirm-dialog"]').exists()).toBe(false)
    expect((picker.element as HTMLSelectElement).value).toBe(first)
    expect((wrapper.get('[data-testid="field-lr"]').element as HTMLInputElement).value).toBe('0.5')
    await picker.setValue('cifar10-40')
    await wrapper.get('[data-testid="confirm-ok"]').trigger('click')
    await settle()
    expect((picker.element as HTMLSelectElement).value).toBe('cifar10-40')
    expect((wrapper.get('[data-testid="field-lr"]').element as HTMLInputElement).value).toBe(String(resolveConfig(PRESETS['cifar10-40']!.config).lr))
    expect(wrapper.get('[data-testid="field-model"]').element).toHaveProperty('value', 'wrn-28-2')
  })

  it('keeps the diff in view while another field is invalid', async () => {
    const { wrapper } = mountEditor()
    await settle()
    await wrapper.get('[data-testid="field-lambdaU"]').setValue('2')
    await wrapper.get('[data-testid="field-threshold"]').setValue('1.5')
    expect(wrapper.find('[data-testid="diff-row-lambdaU"]').exists()).toBe(true)
    expect(wrapper.get('[data-testid="diff-partial"]').text()).toContain('1 field not valid yet')
  })

  it("estimates the experiment's time from finished runs on the backend in use, with the run count and slots", async () => {
    const preset = PRESETS['mnist-quick']!
    const config = (variant: 'O' | 'S', seed: number) => resolveConfig(preset.config, { variant, seed })
    const finished = [
      makeRun({ variant: 'O', config: config('O', 1), trainSeconds: 300, step: 600, backend: 'wasm' }), // 0.5 s/step
      makeRun({ variant: 'S', config: config('S', 1), trainSeconds: 120, step: 600, backend: 'wasm' }), // 0.2 s/step
      makeRun({ variant: 'O', config: config('O', 2), trainSeconds: 60, step: 600, backend: 'node-gpu' }) // another backend: left out
    ]
    const { wrapper } = mountEditor({ finished, slots: 2, backend: 'wasm' })
    await settle()
    await wrapper.get('[data-testid="preset-picker"]').setValue('mnist-quick')
    for (const box of wrapper.findAll('[data-testid^="variant-"]')) await box.setValue(['variant-S', 'variant-O'].includes(box.attributes('data-testid')!))
    await wrapper.get('[data-testid="field-seed"]').setValue('1,2')
    await settle()
    // queue order S1, O1, S2, O2, each to the next free slot: S1+S2+O2 on one (0.9 s per step), O1 on the other
    const steps = resolveConfig(preset.config).steps
    const text = wrapper.get('[data-testid="experiment-estimate"]').text()
    expect(text).toContain(`About ${formatDuration(steps * 0.9)} for 4 runs on 2 slots, from finished runs on wasm`)
    expect(text).toContain('O 0.50 s/step')
    expect(text).toContain('S 0.20 s/step')
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
