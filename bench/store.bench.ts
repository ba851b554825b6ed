// Run store benchmark: fills a temporary store with N runs x M metric rows,
// then, while a writer thread keeps inserting, times what the UI does most:
// listing every run with its summary, and one run's metric series for a chart.
//
//   node --import tsx bench/store.bench.ts [--runs 1000] [--points 20000] [--tries 15] [--keep DIR] [--json]
//
// Progress on stderr; with --json the last stdout line is
// {listRunsMs, seriesMs, runs, rowsPerRun, fillSeconds, ...}.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { VARIANTS } from '../src/shared/config.ts'
import { openStore, type MetricPoint, type RunStore } from '../src/main/store/index.ts'

export interface StoreBenchOptions {
  /** runs to fill (1000) */
  runs?: number
  /** metric rows per run (20000): NAMES.length names x points/NAMES.length steps */
  points?: number
  /** timed repetitions; the median is reported (15) */
  tries?: number
  /** points of the one long run (a 2^20-step run logged every 10 steps has ~100k) */
  longPoints?: number
  /** keep the filled store in this folder instead of a temporary one that is deleted */
  home?: string
  log?: (line: string) => void
}

export interface StoreBenchResult {
  /** medians of wall time, what the user waits */
  listRunsMs: number
  seriesMs: number
  seriesLongMs: number
  /** medians of process CPU time (includes the writer thread's small share): steadier when other work shares the machine */
  listRunsCpuMs: number
  seriesCpuMs: number
  seriesLongCpuMs: number
  runs: number
  rowsPerRun: number
  fillSeconds: number
  fillRowsPerSecond: number
  databaseMegabytes: number
  writerRowsPerSecond: number
}

const NAMES = [
  'loss',
  'lossLabeled',
  'lossUnlabeled',
  'lossContrastive',
  'maskRate',
  'pseudoLabelAccuracy',
  'lr',
  'stepSeconds',
  'dataWaitSeconds',
  'imagesPerSecond'
]
const GOAL_LIST_MS = 50
const GOAL_SERIES_MS = 100
const RUNS_PER_TRANSACTION = 10

/** Synthetic but plausible values: losses decay, rates rise, with noise. */
function metricPoints(steps: number, seed: number, names = NAMES): MetricPoint[] {
  const points: MetricPoint[] = []
  let noise = seed * 2654435761
  for (let s = 1; s <= steps; s++) {
    const progress = s / steps
    for (let n = 0; n < names.length; n++) {
      noise = (noise * 1103515245 + 12345) >>> 0
      const jitter = (noise / 2 ** 32 - 0.5) * 0.1
      points.push({ step: s * 10, name: names[n], value: (n % 2 ? progress : 1 - progress) + jitter, wallTime: 1_700_000_000_000 + s * 1000 })
    }
  }
  return points
}

function fill(store: RunStore, runs: number, rowsPerRun: number, longPoints: number, log: (line: string) => void): { seconds: number; longRunId: number } {
  const steps = Math.max(1, Math.round(rowsPerRun / NAMES.length))
  const started = performance.now()
  for (let first = 0; first < runs; first += RUNS_PER_TRANSACTION) {
    store.transaction(() => {
      for (let r = first; r < Math.min(runs, first + RUNS_PER_TRANSACTION); r++) {
        const run = store.queue.enqueue({ config: { variant: VARIANTS[r % VARIANTS.length], seed: r, steps: steps * 10 } })
        store.queue.setStatus(run.id, 'running')
        store.metrics.append(run.id, metricPoints(steps, r))
        store.queue.setStatus(run.id, 'finished', { step: steps * 10, trainSeconds: steps })
      }
    })
    const done = Math.min(runs, first + RUNS_PER_TRANSACTION)
    if (done % 100 === 0 || done === runs) {
      const seconds = (performance.now() - started) / 1000
      log(`  filled ${done}/${runs} runs, ${((done * steps * NAMES.length) / seconds / 1000).toFixed(0)}k rows/s`)
    }
  }
  const seconds = (performance.now() - started) / 1000
  const long = store.queue.enqueue({ config: { steps: longPoints * 10 } })
  store.metrics.append(long.id, metricPoints(longPoints, 1, ['loss']))
  return { seconds, longRunId: long.id }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Median wall and CPU milliseconds of fn over `tries` calls, after one warm-up call (statement and page caches). */
function timeMs(tries: number, fn: () => void): { wall: number; cpu: number } {
  fn()
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < tries; i++) {
    const cpuStart = process.cpuUsage()
    const start = performance.now()
    fn()
    wall.push(performance.now() - start)
    const used = process.cpuUsage(cpuStart)
    cpu.push((used.user + used.system) / 1000)
  }
  return { wall: median(wall), cpu: median(cpu) }
}

/** The writer thread: the only writer, appending a live run's metrics in small transactions until told to stop. */
function startWriter(home: string): Promise<{ stop(): Promise<number> }> {
  const self = import.meta.url
  // From TypeScript sources the worker needs tsx first: the trainer's boot file registers it.
  const boot = new URL('../src/main/trainer/data/ts-worker-boot.mjs', self)
  const worker = new Worker(self.endsWith('.ts') ? boot : new URL(self), { workerData: { role: 'store-bench-writer', home, tsEntry: self } })
  return new Promise((resolve, reject) => {
    worker.once('error', reject)
    worker.once('message', (message: { ready?: boolean }) => {
      if (!message.ready) return reject(new Error('writer did not start'))
      resolve({
        stop: () =>
          new Promise<number>((done) => {
            worker.once('message', (m: { rowsPerSecond: number }) => done(m.rowsPerSecond))
            worker.postMessage('stop')
          })
      })
    })
  })
}

function writerThread(home: string): void {
  const store = openStore(home)
  const run = store.queue.enqueue({ config: {} })
  store.queue.setStatus(run.id, 'running')
  let step = 0
  let rows = 0
  const started = performance.now()
  // every 20 ms, 10 steps of every metric: far more than live training logs, to keep the WAL busy
  const timer = setInterval(() => {
    const points: MetricPoint[] = []
    for (let i = 0; i < 10; i++) {
      step += 10
      for (const name of NAMES) points.push({ step, name, value: Math.random() })
    }
    rows += store.metrics.append(run.id, points).inserted
  }, 20)
  parentPort!.on('message', () => {
    clearInterval(timer)
    store.close()
    parentPort!.postMessage({ rowsPerSecond: rows / ((performance.now() - started) / 1000) })
    parentPort!.close()
  })
  parentPort!.postMessage({ ready: true })
}

export async function runStoreBench(options: StoreBenchOptions = {}): Promise<StoreBenchResult> {
  const runs = options.runs ?? 1000
  const rowsPerRun = options.points ?? 20_000
  const tries = options.tries ?? 15
  const longPoints = options.longPoints ?? 100_000
  const log = options.log ?? ((line: string) => console.error(line))
  const home = options.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'fixmatch-store-bench-'))
  try {
    log(`filling ${runs} runs x ${rowsPerRun} metric rows (${((runs * rowsPerRun) / 1e6).toFixed(1)}M rows) in ${home}`)
    const store = openStore(home)
    const { seconds: fillSeconds, longRunId } = fill(store, runs, rowsPerRun, longPoints, log)
    store.close()
    const databaseMegabytes = fs.statSync(path.join(home, 'runs.sqlite')).size / 2 ** 20

    const writer = await startWriter(home)
    const reader = openStore(home, { readonly: true })
    let listed = 0
    const list = timeMs(tries, () => (listed = reader.runs.list().length))
    if (listed < runs) throw new Error(`listed ${listed} runs, expected ${runs}`)
    let pick = 0
    const series = timeMs(tries, () => reader.metrics.series(1 + ((pick++ * 7919) % runs), 'loss', { maxPoints: 1000 }))
    const seriesLong = timeMs(tries, () => reader.metrics.series(longRunId, 'loss', { maxPoints: 1000 }))
    reader.close()
    const writerRowsPerSecond = await writer.stop()
    return {
      listRunsMs: list.wall,
      seriesMs: series.wall,
      seriesLongMs: seriesLong.wall,
      listRunsCpuMs: list.cpu,
      seriesCpuMs: series.cpu,
      seriesLongCpuMs: seriesLong.cpu,
      runs,
      rowsPerRun,
      fillSeconds,
      fillRowsPerSecond: (runs * rowsPerRun) / fillSeconds,
      databaseMegabytes,
      writerRowsPerSecond
    }
  } finally {
    if (!options.home) fs.rmSync(home, { recursive: true, force: true })
  }
}

function table(r: StoreBenchResult): string {
  const row = (label: string, wall: string, cpu: string, note: string) => `${label.padEnd(18)}${wall.padStart(10)}${cpu.padStart(10)}  ${note}`
  const verdict = (ms: number, goal: number) => `(goal < ${goal} ms) ${ms < goal ? 'ok' : 'MISSED'}`
  return [
    row('', 'wall', 'cpu', ''),
    row('fill', `${r.fillSeconds.toFixed(1)} s`, '', `${Math.round(r.fillRowsPerSecond / 1000)}k rows/s, ${r.databaseMegabytes.toFixed(0)} MB on disk`),
    row(
      'list runs',
      `${r.listRunsMs.toFixed(1)} ms`,
      `${r.listRunsCpuMs.toFixed(1)} ms`,
      `${r.runs} runs with summaries ${verdict(r.listRunsMs, GOAL_LIST_MS)}`
    ),
    row(
      'series',
      `${r.seriesMs.toFixed(1)} ms`,
      `${r.seriesCpuMs.toFixed(1)} ms`,
      `${Math.round(r.rowsPerRun / NAMES.length)} points -> <= 1000 ${verdict(r.seriesMs, GOAL_SERIES_MS)}`
    ),
    row(
      'series, long run',
      `${r.seriesLongMs.toFixed(1)} ms`,
      `${r.seriesLongCpuMs.toFixed(1)} ms`,
      'a 2^20-step run logged every 10 steps, 100k points -> <= 1000'
    ),
    row('writer meanwhile', `${Math.round(r.writerRowsPerSecond)}`, '', 'rows/s appended by the writer thread during the timings'),
    `machine: ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`
  ].join('\n')
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string' }, points: { type: 'string' }, tries: { type: 'string' }, keep: { type: 'string' }, json: { type: 'boolean' } }
  })
  const int = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined
    const n = Number(text)
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: expected a positive integer, got "${text}"`)
    return n
  }
  const result = await runStoreBench({
    runs: int('runs', values.runs),
    points: int('points', values.points),
    tries: int('tries', values.tries),
    home: values.keep
  })
  console.log(table(result))
  if (values.json) console.log(JSON.stringify(result))
}

if (!isMainThread && workerData?.role === 'store-bench-writer') writerThread(workerData.home)
else if (isMainThread && process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
