// chart.js with only the parts the line charts use (smaller bundle), and the
// options every metric chart shares: no animation, our own decimated points,
// values on hover.
import { Chart, Legend, LineController, LineElement, LinearScale, LogarithmicScale, PointElement, Tooltip, type ChartOptions } from 'chart.js'
import { formatStep } from '../util/format.ts'
import type { LineRole } from './datasets.ts'
import { chartInk, followColourScheme } from './ink.ts'

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend)
followColourScheme()

export { Chart }

export interface MetricChartOptions {
  yTitle: string
  logScale: boolean
  format: (value: number) => string
  xMax?: number
  legend?: boolean
}

function roleOf(dataset: unknown): LineRole | undefined {
  return (dataset as { role?: LineRole } | undefined)?.role
}

/** A smoothed value is never shown as if it had been recorded. */
function tooltipLabel(label: string, role: LineRole | undefined, value: string): string {
  return role === 'smoothed' ? `${label}: ${value} (smoothed)` : `${label}: ${value}`
}

export function metricChartOptions(options: MetricChartOptions): ChartOptions<'line'> {
  const ink = chartInk()
  return {
    animation: false,
    // points arrive as {x, y} sorted by step: chart.js need not parse them
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    spanGaps: true,
    interaction: { mode: 'nearest', intersect: false },
    plugins: {
      legend: {
        display: options.legend ?? true,
        position: 'bottom',
        // one entry per run: its faint raw line is not a run of its own
        labels: {
          boxWidth: 18,
          boxHeight: 2,
          font: { size: 11 },
          color: ink.legend,
          filter: (item, data) => roleOf(data.datasets[item.datasetIndex ?? -1]) !== 'raw'
        }
      },
      tooltip: {
        callbacks: {
          title: (items) => (items[0] ? `step ${Number(items[0].parsed.x).toLocaleString('en-US')}` : ''),
          label: (item) => tooltipLabel(item.dataset.label ?? '', roleOf(item.dataset), options.format(Number(item.parsed.y)))
        }
      }
    },
    scales: {
      x: {
        type: 'linear',
        min: 0,
        ...(options.xMax ? { max: options.xMax } : {}),
        title: { display: true, text: 'step', color: ink.text },
        ticks: { callback: (value) => formatStep(Number(value)), color: ink.text, maxTicksLimit: 8 },
        grid: { color: ink.grid }
      },
      y: {
        type: options.logScale ? 'logarithmic' : 'linear',
        title: { display: true, text: options.yTitle, color: ink.text },
        ticks: { color: ink.text, maxTicksLimit: 7 },
        grid: { color: ink.grid }
      }
    }
  }
}
