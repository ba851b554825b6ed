// chart.js with only the parts the line charts use (smaller bundle), and the
// options every metric chart shares: no animation, our own decimated points,
// a tooltip listing every visible run at the hovered x, zoom and pan, and a
// background (the page's surface colour) so a downloaded PNG is not transparent. The zoom plugin
// is registered by zoom.ts, where charts are drawn.
import {
  Chart,
  Filler,
  Interaction,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  Title,
  Tooltip,
  type ChartOptions,
  type InteractionItem,
  type InteractionModeFunction,
  type Plugin
} from 'chart.js'
import { getRelativePosition } from 'chart.js/helpers'
import type { ChartPoint, LineRole } from './datasets.ts'
import { chartInk, followColourScheme } from './ink.ts'
import { formatX, xTitle, type XMode } from './x-axis.ts'

declare module 'chart.js' {
  interface InteractionModeMap {
    eachLine: InteractionModeFunction
  }
}

/** Pixels beyond a line's ends within which the hover still picks its end point. */
const END_TOLERANCE_PX = 12

/**
 * For each visible line, its point nearest the pointer's x (not beyond the line's ends): runs recorded
 * at different steps all show in the tooltip, where chart.js's 'index' mode needs one shared grid.
 */
export const eachLine: InteractionModeFunction = (chart, event) => {
  const position = getRelativePosition(event, chart as never)
  const items: InteractionItem[] = []
  chart.data.datasets.forEach((_dataset, datasetIndex) => {
    if (!chart.isDatasetVisible(datasetIndex)) return
    const elements = chart.getDatasetMeta(datasetIndex).data
    if (elements.length === 0) return
    const first = elements[0]!.x
    const last = elements[elements.length - 1]!.x
    if (position.x < first - END_TOLERANCE_PX || position.x > last + END_TOLERANCE_PX) return
    let best = 0
    for (let i = 1; i < elements.length; i++) if (Math.abs(elements[i]!.x - position.x) < Math.abs(elements[best]!.x - position.x)) best = i
    items.push({ element: elements[best]!, datasetIndex, index: best })
  })
  return items
}
Interaction.modes.eachLine = eachLine

const background: Plugin<'line'> = {
  id: 'background',
  beforeDraw(chart) {
    const { ctx } = chart
    ctx.save()
    ctx.globalCompositeOperation = 'destination-over'
    ctx.fillStyle = chartInk().background
    ctx.fillRect(0, 0, chart.width, chart.height)
    ctx.restore()
  }
}

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Title, Tooltip, Legend, Filler, background)
followColourScheme()

export { Chart }

export interface MetricChartOptions {
  yTitle: string
  logScale: boolean
  format: (value: number) => string
  /** the axis' end in step mode (the longest run's total steps) */
  xMax?: number
  xMode?: XMode
  legend?: boolean
  /** after the user zoomed or panned (e.g. to enable a reset button) */
  onZoom?: () => void
  /** the values the metric can take: the y axis is not padded past them */
  yRange?: ValueRange
}

export interface ValueRange {
  min?: number
  max?: number
}

/**
 * The y axis' ends kept within what the metric can take: chart.js pads a flat line by one
 * either way, which draws a mask rate of 0 on an axis from -1 to 1.
 */
export function clampToRange(axis: { min: number; max: number }, range: ValueRange | undefined): void {
  if (!range) return
  const min = range.min === undefined ? axis.min : Math.max(axis.min, range.min)
  const max = range.max === undefined ? axis.max : Math.min(axis.max, range.max)
  if (min < max) {
    axis.min = min
    axis.max = max
  }
}

function roleOf(dataset: unknown): LineRole | undefined {
  return (dataset as { role?: LineRole } | undefined)?.role
}

/** Lines that stand for a run or a group: a faint raw twin or a band edge is not one of them. */
export function isMainLine(dataset: unknown): boolean {
  const role = roleOf(dataset)
  return role !== 'raw' && role !== 'band'
}

/** A smoothed value is never shown as if it had been recorded; a group's mean says its band and n. */
export function tooltipLabel(label: string, role: LineRole | undefined, point: ChartPoint, format: (value: number) => string): string {
  const value = format(point.y)
  if (role === 'smoothed') return `${label}: ${value} (smoothed)`
  if (role === 'mean' && point.low !== undefined && point.high !== undefined) {
    return `${label}: ${value} [${format(point.low)} – ${format(point.high)}], n=${point.n ?? '?'}`
  }
  return `${label}: ${value}`
}

export function metricChartOptions(options: MetricChartOptions): ChartOptions<'line'> {
  const mode = options.xMode ?? 'step'
  const ink = chartInk()
  return {
    animation: false,
    // points arrive as {x, y} sorted by x: chart.js need not parse them
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    spanGaps: true,
    interaction: { mode: 'eachLine', intersect: false },
    plugins: {
      legend: {
        display: options.legend ?? true,
        position: 'bottom',
        // one entry per run or group: faint raw lines and band edges are not lines of their own
        labels: {
          boxWidth: 18,
          boxHeight: 2,
          font: { size: 11 },
          color: ink.legend,
          filter: (item, data) => isMainLine(data.datasets[item.datasetIndex ?? -1])
        }
      },
      tooltip: {
        filter: (item) => isMainLine(item.dataset),
        itemSort: (a, b) => b.parsed.y! - a.parsed.y!,
        callbacks: {
          title: (items) => (items[0] ? `${xTitle(mode)} ${formatX(Number(items[0].parsed.x), mode)}` : ''),
          label: (item) => {
            const point = (item.raw as ChartPoint | undefined) ?? { x: Number(item.parsed.x), y: Number(item.parsed.y) }
            return tooltipLabel(item.dataset.label ?? '', roleOf(item.dataset), point, options.format)
          }
        }
      },
      zoom: {
        // a box dragged over the chart zooms into it; shift-drag pans; ctrl-wheel zooms (a plain wheel scrolls the page)
        zoom: {
          drag: { enabled: true, backgroundColor: 'rgba(37, 99, 235, 0.12)', borderColor: '#2563eb', borderWidth: 1 },
          wheel: { enabled: true, modifierKey: 'ctrl' },
          pinch: { enabled: true },
          mode: 'xy',
          onZoomComplete: () => options.onZoom?.()
        },
        pan: { enabled: true, mode: 'xy', modifierKey: 'shift', onPanComplete: () => options.onZoom?.() }
      }
    },
    scales: {
      x: {
        type: 'linear',
        ...(mode === 'wall' ? {} : { min: 0 }),
        ...(mode === 'step' && options.xMax ? { max: options.xMax } : {}),
        title: { display: true, text: xTitle(mode), color: ink.text },
        ticks: { callback: (value) => formatX(Number(value), mode), color: ink.text, maxTicksLimit: 8 },
        grid: { color: ink.grid }
      },
      y: {
        type: options.logScale ? 'logarithmic' : 'linear',
        title: { display: true, text: options.yTitle, color: ink.text },
        afterDataLimits: (axis) => clampToRange(axis, options.yRange),
        ticks: { color: ink.text, maxTicksLimit: 7 },
        grid: { color: ink.grid }
      }
    }
  }
}

/** The chart as a PNG data URL, with its title drawn on it (the page shows the title outside the canvas). */
export function chartPng(chart: Chart<'line', ChartPoint[]>, title: string): string {
  const plugins = chart.options.plugins!
  plugins.title = { display: true, text: title, color: chartInk().legend, font: { size: 14, weight: 'bold' } } as never
  chart.update('none')
  const url = chart.toBase64Image('image/png', 1)
  plugins.title = { display: false } as never
  chart.update('none')
  return url
}
