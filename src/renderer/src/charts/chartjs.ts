// chart.js with only the parts the line charts use (smaller bundle), and the
// options every metric chart shares: no animation, our own decimated points,
// values on hover.
import {
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartOptions
} from 'chart.js'
import { formatStep } from '../util/format.ts'

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend)

export { Chart }

export interface MetricChartOptions {
  yTitle: string
  logScale: boolean
  format: (value: number) => string
  xMax?: number
  legend?: boolean
}

export function metricChartOptions(options: MetricChartOptions): ChartOptions<'line'> {
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
      legend: { display: options.legend ?? true, position: 'bottom', labels: { boxWidth: 18, boxHeight: 2, font: { size: 11 }, color: '#4b5563' } },
      tooltip: {
        callbacks: {
          title: (items) => (items[0] ? `step ${Number(items[0].parsed.x).toLocaleString('en-US')}` : ''),
          label: (item) => `${item.dataset.label ?? ''}: ${options.format(Number(item.parsed.y))}`
        }
      }
    },
    scales: {
      x: {
        type: 'linear',
        min: 0,
        ...(options.xMax ? { max: options.xMax } : {}),
        title: { display: true, text: 'step', color: '#6b7280' },
        ticks: { callback: (value) => formatStep(Number(value)), color: '#6b7280', maxTicksLimit: 8 },
        grid: { color: '#eef0f3' }
      },
      y: {
        type: options.logScale ? 'logarithmic' : 'linear',
        title: { display: true, text: options.yTitle, color: '#6b7280' },
        ticks: { color: '#6b7280', maxTicksLimit: 7 },
        grid: { color: '#eef0f3' }
      }
    }
  }
}
