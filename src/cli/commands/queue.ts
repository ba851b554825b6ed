// `fixmatch-lab queue`: add runs (or a variants x seeds experiment), list the
// queue, and move, pause, resume, cancel or retry a run. Changes go through a
// running worker/serve when there is one (see lab-access.ts).
import { VARIANTS, type Variant } from '../../shared/config.ts'
import { isMethodName } from '../../shared/methods/index.ts'
import type { RunRecord } from '../../shared/api.ts'
import { placementText } from '../../shared/executor.ts'
import { getPreset, presetNames } from '../../shared/presets.ts'
import { resolveHome } from '../../main/paths.ts'
import { openStore, StoreMissingError } from '../../main/store/index.ts'
import { queueView } from '../../main/service/records.ts'
import { CliError, parseFlags } from '../args.ts'
import { buildConfig } from '../config-input.ts'
import { openLab } from '../lab-access.ts'
import { printTable, runLabel } from '../tables.ts'
import { PLACEMENT_FLAGS, PLACEMENT_USAGE, placementFlags, type PlacementValues } from '../placement-flags.ts'
import { readServiceFile } from '../service-file.ts'
import { pendingWords } from '../service-output.ts'

const USAGE = `Usage: fixmatch-lab queue <action> [options] [--home DIR]

  add [--preset NAME] [--config FILE] [--set key=value ...]
      [--variants S,O,U --seeds 1,2,3 --name NAME]   queue one run, or an experiment:
                                                    variants x seeds on one split
${PLACEMENT_USAGE}
  list [--json]                                     running, queued, paused, interrupted
  move ID up|down|top
  pause ID        a running run checkpoints and stops; a queued one is held
  resume ID       a paused or interrupted run goes back in line
  cancel ID
  retry ID        a finished, failed or cancelled run again, as a new run

Presets: ${presetNames().join(', ')} (default mnist-quick). When a worker or serve runs
on the same home, the change goes through its API.`

const FLAGS = {
  preset: { type: 'string' },
  config: { type: 'string' },
  set: { type: 'string', multiple: true },
  variants: { type: 'string' },
  seeds: { type: 'string' },
  name: { type: 'string' },
  home: { type: 'string' },
  json: { type: 'boolean' },
  ...PLACEMENT_FLAGS
} as const

export async function queueCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS, USAGE)
  const [action, ...rest] = positionals
  if (values.help || !action) {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  const home = resolveHome(values.home)
  switch (action) {
    case 'list':
      return listQueue(home, Boolean(values.json))
    case 'add':
      return addToQueue(home, values)
    case 'move': {
      const direction = rest[1]
      if (direction !== 'up' && direction !== 'down' && direction !== 'top') throw new CliError(`queue move needs ID and up, down or top\n\n${USAGE}`)
      return change(home, 'queue/move', { runId: runId(rest[0]), direction }, `run ${rest[0]} moved ${direction}`)
    }
    case 'pause':
    case 'resume':
    case 'cancel':
      return change(home, `queue/${action}`, { runId: runId(rest[0]) }, `run ${rest[0]}: ${action} ${action === 'pause' ? 'asked' : 'done'}`)
    case 'retry':
      return change(home, 'queue/retry', { runId: runId(rest[0]) }, `run ${rest[0]} queued again`)
    default:
      throw new CliError(`unknown queue action "${action}"\n\n${USAGE}`)
  }
}

function runId(text: string | undefined): number {
  const id = Number(text)
  if (!Number.isInteger(id) || id < 1) throw new CliError(`expected a run id (a positive integer), got ${text === undefined ? 'nothing' : `"${text}"`}`)
  return id
}

type Change = 'queue/move' | 'queue/pause' | 'queue/resume' | 'queue/cancel' | 'queue/retry'

async function change(home: string, command: Change, request: { runId: number; direction?: 'up' | 'down' | 'top' }, said: string): Promise<number> {
  const lab = await openLab(home)
  try {
    // each command's request is { runId } (move adds direction), checked again by the service
    const result = (await lab.call(command, request as never)) as RunRecord | null | undefined
    console.log(result ? `${said}: now run ${result.id} (${result.status})` : said)
    return 0
  } finally {
    await lab.close()
  }
}

async function addToQueue(
  home: string,
  values: { preset?: string; config?: string; set?: string[]; variants?: string; seeds?: string; name?: string } & PlacementValues
): Promise<number> {
  const presetName = values.preset ?? (values.config ? undefined : 'mnist-quick')
  const config = buildConfig({ preset: presetName, configFile: values.config, sets: values.set })
  const placement = placementFlags(values)
  const lab = await openLab(home)
  try {
    if (values.variants === undefined && values.seeds === undefined && values.name === undefined) {
      const run = await lab.call('queue/add', { config, preset: presetName, ...placement })
      console.log(`queued run ${run.id}: ${runLabel(run)}, ${run.totalSteps} steps (through ${lab.via})`)
      return 0
    }
    const variants =
      parseList('variants', values.variants, (item) => {
        if (!isMethodName(item)) throw new CliError(`--variants: "${item}" is not one of ${VARIANTS.join(', ')}`)
        return item as Variant
      }) ?? (presetName ? getPreset(presetName).defaultVariants : [config.variant])
    const seeds = parseList('seeds', values.seeds, (item) => {
      const seed = Number(item)
      if (!Number.isInteger(seed) || seed < 0) throw new CliError(`--seeds: "${item}" is not a seed (an integer >= 0)`)
      return seed
    }) ?? [config.seed]
    const name = values.name ?? `${presetName ?? 'custom'} ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`
    const experiment = await lab.call('experiments/create', { name, preset: presetName, config, variants, seeds, ...placement })
    console.log(
      `experiment ${experiment.id} "${experiment.name}": ${variants.join(', ')} x seeds ${seeds.join(', ')} on split seed ${config.splitSeed}, ` +
        `runs ${experiment.runIds.join(', ')} queued (through ${lab.via})`
    )
    return 0
  } finally {
    await lab.close()
  }
}

function parseList<T>(flag: string, text: string | undefined, item: (text: string) => T): T[] | undefined {
  if (text === undefined) return undefined
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (items.length === 0) throw new CliError(`--${flag} needs a comma-separated list`)
  return items.map(item)
}

/**
 * Through a running worker or serve when there is one (only it knows a pause
 * or cancel still pending), else read-only from the store.
 */
async function listQueue(home: string, json: boolean): Promise<number> {
  const queue = (readServiceFile(home) && (await listThroughService(home))) || listFromStore(home)
  if (json) {
    console.log(JSON.stringify(queue))
    return 0
  }
  if (queue.length === 0) {
    console.log('the queue is empty')
    return 0
  }
  printTable(
    ['run', 'status', 'run of', 'on', 'step', 'note'],
    queue.map((run) => [String(run.id), statusText(run), runLabel(run), placementText(run), stepText(run), run.error ?? run.waiting ?? ''])
  )
  return 0
}

async function listThroughService(home: string): Promise<RunRecord[] | undefined> {
  try {
    const lab = await openLab(home)
    try {
      return await lab.call('queue/list', undefined)
    } finally {
      await lab.close()
    }
  } catch {
    return undefined // gone meanwhile, or not answering: the store still tells the rest
  }
}

function listFromStore(home: string): RunRecord[] {
  try {
    const store = openStore(home, { readonly: true })
    try {
      return queueView(store)
    } finally {
      store.close()
    }
  } catch (error) {
    if (!(error instanceof StoreMissingError)) throw error
    return []
  }
}

function statusText(run: RunRecord): string {
  return run.pending ? `${run.status} (${pendingWords(run.pending)}...)` : run.status
}

/** The step reached, and where a resume continues when that is not the same. */
function stepText(run: RunRecord): string {
  const reached = `${run.step}/${run.totalSteps}`
  if (run.status === 'running' || run.resumeStep === undefined || run.resumeStep === run.step) return reached
  return `${reached} (${run.resumeStep === null ? 'restarts from 0' : `resumes from ${run.resumeStep}`})`
}
