// The colours of a chart's own parts (grid, ticks, axis titles, legend text),
// read from the page's colour tokens (App.vue) so that they follow the light or
// dark scheme; the runs' line colours are the variants' (colours.ts), the same in both.
import { Chart } from 'chart.js'

export interface ChartInk {
  /** behind the plot: the panel's surface, so a downloaded PNG looks as on screen */
  background: string
  grid: string
  text: string
  legend: string
}

/** The light scheme's values: where no page styles are (a test without App.vue). */
const LIGHT: ChartInk = { background: '#fff', grid: '#eef0f3', text: '#6b7280', legend: '#4b5563' }

export function chartInk(): ChartInk {
  const style = typeof document === 'undefined' ? undefined : getComputedStyle(document.documentElement)
  const read = (token: string, fallback: string) => style?.getPropertyValue(token).trim() || fallback
  return {
    background: read('--surface', LIGHT.background),
    grid: read('--chart-grid', LIGHT.grid),
    text: read('--chart-text', LIGHT.text),
    legend: read('--chart-legend', LIGHT.legend)
  }
}

type InkedScale = { grid?: { color?: unknown }; ticks?: { color?: unknown }; title?: { color?: unknown } }

/** Repaints every open chart's grid and text in the current scheme's colours. */
export function reinkCharts(): void {
  const ink = chartInk()
  for (const chart of Object.values(Chart.instances)) {
    for (const scale of Object.values(chart.options.scales ?? {}) as (InkedScale | undefined)[]) {
      if (scale?.grid) scale.grid.color = ink.grid
      if (scale?.ticks) scale.ticks.color = ink.text
      if (scale?.title) scale.title.color = ink.text
    }
    const labels = chart.options.plugins?.legend?.labels
    if (labels) labels.color = ink.legend
    chart.update('none')
  }
}

let following = false

/** Once per page: when the system switches between light and dark, the open charts follow. */
export function followColourScheme(): void {
  if (following || typeof matchMedia !== 'function') return
  following = true
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', reinkCharts)
}
