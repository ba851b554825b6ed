// `fixmatch-lab export RUN_ID`: a run's metrics as CSV, the whole run as JSON,
// or a portable bundle (JSON + its newest valid checkpoint) that `import`
// reads on another install. Read-only: works beside a running worker.
import fs from 'node:fs'
import path from 'node:path'
import { resolveHome } from '../../main/paths.ts'
import { openStore } from '../../main/store/index.ts'
import { writeRunBundle } from '../../main/service/bundle.ts'
import { experimentJson, experimentMetricsCsv } from '../../main/service/experiment-export.ts'
import { CliError, oneOf, parseFlags } from '../args.ts'

const USAGE = `Usage: fixmatch-lab export RUN_ID [--format csv|json|bundle] [--out FILE] [--home DIR]
       fixmatch-lab export --experiment ID [--format csv|json] [--out FILE] [--home DIR]

  csv     the metrics, one row per (step, metric): step,name,value,wall_time
  json    the whole run: config, provenance, metrics, events, tags, note (the default)
  bundle  the JSON and the run's newest valid checkpoint in one tar file, for
          \`fixmatch-lab import\` on another machine (default file run-<id>.fixmatch-run.tar)

With --experiment, csv has one row per (run, step, metric) with run_id,variant,seed
first, and json holds the experiment and each of its runs.
csv and json go to standard output unless --out is given.`

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { format: { type: 'string' }, out: { type: 'string' }, home: { type: 'string' }, experiment: { type: 'string' } },
    USAGE
  )
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (values.experiment !== undefined) return exportExperiment(values)
  const runId = Number(positionals[0])
  if (positionals.length !== 1 || !Number.isInteger(runId) || runId < 1) throw new CliError(`export needs one run id\n\n${USAGE}`)
  const format = oneOf('format', values.format, ['csv', 'json', 'bundle'] as const, 'json')
  const store = openStore(resolveHome(values.home), { readonly: true })
  try {
    if (format === 'bundle') {
      const out = path.resolve(values.out ?? `run-${runId}.fixmatch-run.tar`)
      const { bytes, checkpointStep } = await writeRunBundle(store, runId, out)
      const checkpoint = checkpointStep === null ? 'no checkpoint (none valid on disk)' : `the checkpoint at step ${checkpointStep}`
      console.error(`wrote ${out} (${(bytes / 2 ** 20).toFixed(1)} MiB): run ${runId} with ${checkpoint}`)
      return 0
    }
    writeOut(format === 'csv' ? store.exports.metricsCsv(runId) : JSON.stringify(store.exports.runJson(runId)) + '\n', values.out)
    return 0
  } finally {
    store.close()
  }
}

function writeOut(content: string, out: string | undefined): void {
  if (out) {
    fs.writeFileSync(out, content)
    console.error(`wrote ${path.resolve(out)}`)
  } else process.stdout.write(content)
}

function exportExperiment(values: { experiment?: string; format?: string; out?: string; home?: string }): number {
  const experimentId = Number(values.experiment)
  if (!Number.isInteger(experimentId) || experimentId < 1) throw new CliError(`--experiment needs an experiment id, got "${values.experiment}"`)
  const format = oneOf('format', values.format, ['csv', 'json'] as const, 'json')
  const store = openStore(resolveHome(values.home), { readonly: true })
  try {
    writeOut(format === 'csv' ? experimentMetricsCsv(store, experimentId) : JSON.stringify(experimentJson(store, experimentId)) + '\n', values.out)
    return 0
  } finally {
    store.close()
  }
}
