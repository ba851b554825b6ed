// `fixmatch-lab runs`: every recorded run with its summary. Opens the store
// read-only, so it works beside a running worker, serve or desktop app.
import { formatDuration } from '../../shared/format.ts'
import type { RunRecord } from '../../shared/api.ts'
import { resolveHome } from '../../main/paths.ts'
import { openStore, StoreMissingError } from '../../main/store/index.ts'
import { toApiRun } from '../../main/service/records.ts'
import { CliError, parseFlags } from '../args.ts'
import { printTable, runLabel } from '../tables.ts'

const USAGE = `Usage: fixmatch-lab runs [--experiment ID] [--json] [--home DIR]

Lists the runs in the home's store, newest first: status, variant and seed,
steps, the last and best top-1 (EMA model), train time (pauses excluded) and
backend. With --json: one JSON array of run records (config and summaries included).`

export async function runsCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { experiment: { type: 'string' }, json: { type: 'boolean' }, home: { type: 'string' } }, USAGE)
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  let experimentId: number | undefined
  if (values.experiment !== undefined) {
    experimentId = Number(values.experiment)
    if (!Number.isInteger(experimentId) || experimentId < 1) throw new CliError(`--experiment needs an experiment id, got "${values.experiment}"`)
  }
  const home = resolveHome(values.home)
  let runs: RunRecord[] = []
  try {
    const store = openStore(home, { readonly: true })
    try {
      // an unknown experiment is not one with no runs: say so rather than print an empty list
      if (experimentId !== undefined && !store.experiments.get(experimentId)) throw noSuchExperiment(experimentId, home)
      runs = store.runs.list({ experimentId }).map((item) => toApiRun(store, item))
    } finally {
      store.close()
    }
  } catch (error) {
    if (!(error instanceof StoreMissingError)) throw error
    if (experimentId !== undefined) throw noSuchExperiment(experimentId, home)
  }
  if (values.json) {
    console.log(JSON.stringify(runs))
    return 0
  }
  if (runs.length === 0) {
    console.log('no runs recorded yet')
    return 0
  }
  const percent = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(2))
  printTable(
    ['run', 'status', 'run of', 'step', 'top-1', 'best', 'train time', 'backend'],
    runs.map((run) => [
      String(run.id),
      run.status,
      runLabel(run),
      `${run.step}/${run.totalSteps}`,
      percent(run.summary['eval/top1']?.last),
      percent(run.summary['eval/top1']?.best),
      formatDuration(run.trainSeconds),
      run.backend ?? '-'
    ])
  )
  return 0
}

function noSuchExperiment(id: number, home: string): CliError {
  return new CliError(`experiment ${id} does not exist in ${home}`, 'notFound')
}
