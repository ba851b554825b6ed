// An experiment (all its runs) as one CSV of metrics or one JSON document,
// built from the store's per-run exports.
import type { RunStore } from '../store/index.ts'

function runsOf(store: RunStore, experimentId: number) {
  store.experiments.require(experimentId)
  return store.runs.list({ experimentId }).sort((a, b) => a.id - b.id)
}

/** run_id,variant,seed,step,name,value,wall_time: the runs' metric CSVs with the run named on each row. */
export function experimentMetricsCsv(store: RunStore, experimentId: number): string {
  const lines = ['run_id,variant,seed,step,name,value,wall_time']
  for (const run of runsOf(store, experimentId)) {
    const [, ...rows] = store.exports.metricsCsv(run.id).trimEnd().split('\n')
    for (const row of rows) lines.push(`${run.id},${run.variant},${run.seed},${row}`)
  }
  return lines.join('\n') + '\n'
}

export function experimentJson(store: RunStore, experimentId: number) {
  return {
    format: 'fixmatch-lab-experiment/1',
    experiment: store.experiments.require(experimentId),
    runs: runsOf(store, experimentId).map((run) => store.exports.runJson(run.id))
  }
}
