// Per-class values over steps (accuracy, pseudo-label pass share or share of
// pseudo-labels) as one chart line per class, in a colour of its own.
import type { LineDataset } from '../../charts/datasets.ts'

/** Ten distinct colours (the first ten classes: all of MNIST and CIFAR-10), then hues around the wheel. */
const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563', '#65a30d', '#9333ea']

export function classColour(c: number): string {
  return PALETTE[c] ?? `hsl(${Math.round((c * 137.508) % 360)}, 65%, 45%)`
}

/**
 * One line per class: values[i][c] at steps[i]; a null (nothing to count at
 * that step) leaves a gap. Named by the class, runId 0 (not a run's line).
 */
export function classLines(steps: readonly number[], values: readonly (readonly (number | null)[])[], classNames: readonly string[]): LineDataset[] {
  return classNames.map((name, c) => ({
    label: name,
    runId: 0,
    role: 'recorded' as const,
    order: c,
    data: steps.flatMap((x, i) => {
      const y = values[i]?.[c]
      return y === null || y === undefined ? [] : [{ x, y }]
    }),
    borderColor: classColour(c),
    backgroundColor: classColour(c),
    borderDash: [],
    borderWidth: 1.5,
    pointRadius: 2,
    pointHoverRadius: 4
  }))
}

/** Each row of counts as percentages of its own sum (a row of zeros stays zeros). */
export function rowShares(rows: readonly (readonly number[])[]): number[][] {
  return rows.map((row) => {
    const total = row.reduce((a, b) => a + b, 0)
    return row.map((n) => (total > 0 ? (100 * n) / total : 0))
  })
}
