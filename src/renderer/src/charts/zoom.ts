// chartjs-plugin-zoom, registered apart from chartjs.ts: its hammerjs reads
// `window` when imported, and the chart options are also used without a DOM.
import zoomPlugin from 'chartjs-plugin-zoom'
import { Chart } from './chartjs.ts'

Chart.register(zoomPlugin)
