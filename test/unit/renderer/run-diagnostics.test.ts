// @vitest-environment happy-dom
// The run page's diagnostics: the heat map with its counts, the per-class
// curves, the galleries, the step picker, and a new evaluation shown as the
// service announces it.
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { Response } from '../../../src/shared/api.ts'
import { LAB_CLIENT } from '../../../src/renderer/src/api/inject.ts'
import RunDiagnostics from '../../../src/renderer/src/components/diagnostics/RunDiagnostics.vue'
import { classLines, rowShares } from '../../../src/renderer/src/components/diagnostics/class-lines.ts'
import { fakeLab, settle } from './fake-lab.ts'

const image = { width: 2, height: 2, channels: 1 as const, pixels: btoa('\x00\x40\x80\xff') }

/** Two classes; evaluations at the given steps, the matrix of the asked (or latest) one. */
function answer(steps: number[], step: number | null, withPseudo = true): Response<'runs/diagnostics'> {
  const at = step ?? steps.at(-1)!
  return {
    classNames: ['cat', 'dog'],
    steps,
    step: at,
    confusion: [
      [at, 1],
      [2, 5]
    ],
    classAccuracy: { steps, values: steps.map(() => [75, null]) },
    pseudoLabels: withPseudo ? { steps, passShare: steps.map(() => [50, 25]), histogram: steps.map(() => [30, 10]) } : null,
    samples: {
      unlabeled: [
        { image, pseudoLabel: 0, confidence: 0.97, label: 0, correct: true },
        { image, pseudoLabel: 1, confidence: 0.9, label: 0, correct: false }
      ],
      misclassified: [{ image, predicted: 1, label: 0 }]
    },
    unavailable: null
  }
}

function mountWith(handler: (request: { runId: number; step?: number | null }) => Response<'runs/diagnostics'>) {
  const lab = fakeLab({ 'runs/diagnostics': handler })
  const wrapper = mount(RunDiagnostics, { props: { runId: 7 }, global: { provide: { [LAB_CLIENT as symbol]: lab.client } } })
  return { lab, wrapper }
}

describe('RunDiagnostics', () => {
  it('shows the heat map with counts, the per-class charts and the galleries of the latest evaluation', async () => {
    const { wrapper, lab } = mountWith((request) => answer([100, 200], request.step ?? null))
    await settle()
    expect(lab.callsOf('runs/diagnostics')).toEqual([{ runId: 7, step: null }])
    const heatmap = wrapper.get('[data-testid="diagnostics-confusion"]')
    expect(heatmap.text()).toContain('step 200')
    expect(heatmap.attributes('data-total')).toBe('208')
    expect(wrapper.get('[data-testid="confusion-0-0"]').text()).toBe('200')
    expect(wrapper.get('[data-testid="confusion-1-0"]').text()).toBe('2')
    expect(heatmap.text()).toContain('cat')
    // one line per class, a point per evaluation where there is something to count
    expect(wrapper.get('[data-testid="diagnostics-class-accuracy"]').attributes()).toMatchObject({ 'data-lines': '2', 'data-points': '2' })
    expect(wrapper.get('[data-testid="diagnostics-pass-share"]').attributes('data-points')).toBe('4')
    expect(wrapper.get('[data-testid="diagnostics-pseudo-histogram"]').attributes('data-points')).toBe('4')
    const unlabeled = wrapper.get('[data-testid="diagnostics-unlabeled"]')
    expect(unlabeled.attributes('data-count')).toBe('2')
    expect(unlabeled.text()).toContain('cat (97%)')
    expect(unlabeled.text()).toContain('dog (90%), true cat')
    expect(wrapper.get('[data-testid="diagnostics-misclassified"]').text()).toContain('dog, true cat')
  })

  it('the step picker shows an earlier evaluation; a new one announced by the service appears without reload', async () => {
    let steps = [100, 200]
    const { wrapper, lab } = mountWith((request) => answer(steps, request.step ?? null))
    await settle()
    await wrapper.get('[data-testid="diagnostics-step"]').setValue('100')
    await settle()
    expect(lab.callsOf('runs/diagnostics').at(-1)).toEqual({ runId: 7, step: 100 })
    expect(wrapper.get('[data-testid="confusion-0-0"]').text()).toBe('100')

    await wrapper.get('[data-testid="diagnostics-step"]').setValue('null')
    await settle()
    steps = [100, 200, 300]
    lab.emit('run/diagnostics', { runId: 8, step: 300 }) // another run's: ignored
    await settle()
    expect(wrapper.get('[data-testid="confusion-0-0"]').text()).toBe('200')
    lab.emit('run/diagnostics', { runId: 7, step: 300 })
    await settle()
    expect(wrapper.get('[data-testid="confusion-0-0"]').text()).toBe('300')
    expect(wrapper.get('[data-testid="diagnostics-class-accuracy"]').attributes('data-points')).toBe('3')
  })

  it('says when there is no evaluation yet, and when the method has no pseudo-labels', async () => {
    const empty = mountWith(() => ({ ...answer([1], null), steps: [], step: null, confusion: null, classAccuracy: { steps: [], values: [] }, samples: null }))
    await settle()
    expect(empty.wrapper.find('[data-testid="diagnostics-empty"]').exists()).toBe(true)
    expect(empty.wrapper.find('[data-testid="diagnostics-confusion"]').exists()).toBe(false)
    const supervised = mountWith(() => answer([100], null, false))
    await settle()
    expect(supervised.wrapper.find('[data-testid="diagnostics-no-pseudo"]').exists()).toBe(true)
    expect(supervised.wrapper.find('[data-testid="diagnostics-pass-share"]').exists()).toBe(false)
  })
})

describe('class lines', () => {
  it('draw one line per class and leave a gap where a class has nothing to count', () => {
    const lines = classLines(
      [10, 20],
      [
        [50, null],
        [60, 70]
      ],
      ['a', 'b']
    )
    expect(lines.map((l) => [l.label, l.data])).toEqual([
      [
        'a',
        [
          { x: 10, y: 50 },
          { x: 20, y: 60 }
        ]
      ],
      ['b', [{ x: 20, y: 70 }]]
    ])
    expect(lines[0]!.borderColor).not.toBe(lines[1]!.borderColor)
  })

  it('row shares are percentages of each row, a row of zeros stays zero', () => {
    expect(
      rowShares([
        [1, 3],
        [0, 0]
      ])
    ).toEqual([
      [25, 75],
      [0, 0]
    ])
  })
})
