// `fixmatch-lab import BUNDLE`: a run exported elsewhere (a bundle, or a plain
// JSON export) becomes a run of this home, with its metrics and checkpoint.
import fs from 'node:fs'
import { resolveHome } from '../../main/paths.ts'
import { openStore, StoreLockedError } from '../../main/store/index.ts'
import { importRunBundle } from '../../main/service/bundle.ts'
import { CliError, parseFlags } from '../args.ts'
import { readServiceFile } from '../service-file.ts'

const USAGE = `Usage: fixmatch-lab import FILE [--home DIR]

Imports a run written by \`fixmatch-lab export RUN_ID --format bundle\` (or
--format json) into this home: it gets a new id and keeps its config,
provenance, metrics, events, tags and note; a bundle's checkpoint comes along,
so a paused or interrupted run can be resumed here. A run that was running
when exported comes in interrupted.`

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { home: { type: 'string' } }, USAGE)
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (positionals.length !== 1) throw new CliError(`import needs one file\n\n${USAGE}`)
  const file = positionals[0]
  if (!fs.existsSync(file)) throw new CliError(`no file ${file}`)
  const home = resolveHome(values.home)
  let store
  try {
    store = openStore(home)
  } catch (error) {
    if (!(error instanceof StoreLockedError)) throw error
    const published = readServiceFile(home)
    const holder = published ? `the running ${published.mode} (process ${published.pid})` : `process ${error.pid ?? '(unknown)'}`
    throw new CliError(
      `the run store in ${home} is in use by ${holder}: stop it (Ctrl-C pauses its run with a checkpoint), import, then start it again`,
      'unavailable'
    )
  }
  try {
    const run = await importRunBundle(store, home, file)
    const checkpoint = store.checkpoints.list(run.id)[0]
    console.log(
      `imported as run ${run.id}: ${run.variant} seed ${run.seed}, ${run.status} at step ${run.step}/${run.totalSteps}` +
        (checkpoint ? `, with its checkpoint at step ${checkpoint.step}` : ', no checkpoint')
    )
    return 0
  } finally {
    store.close()
  }
}
