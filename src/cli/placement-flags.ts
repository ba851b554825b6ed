// `queue add`'s say in where its runs train: --executor local|slurm and the
// Slurm job options (partition, GPUs, time limit, account, extra sbatch
// lines), checked here with the schema the service uses, so that a bad value
// is refused naming the flag that holds it.
import { EXECUTORS, type Executor } from '../shared/executor.ts'
import { slurmJobOptionsSchema, type SlurmJobOptionsInput } from '../shared/slurm.ts'
import { issueText } from '../shared/schema-issues.ts'
import { CliError, executorFlag } from './args.ts'

export const PLACEMENT_FLAGS = {
  executor: { type: 'string' },
  partition: { type: 'string' },
  gres: { type: 'string' },
  'time-limit': { type: 'string' },
  account: { type: 'string' },
  'sbatch-line': { type: 'string', multiple: true }
} as const

export const PLACEMENT_USAGE = `      [--executor ${EXECUTORS.join('|')}] [--partition P] [--gres G] [--time-limit T]
      [--account A] [--sbatch-line=--mem=16G ...]   where the runs train (default the
                                                    service's executor); Slurm job options`

export interface PlacementValues {
  executor?: string
  partition?: string
  gres?: string
  'time-limit'?: string
  account?: string
  'sbatch-line'?: string[]
}

/** Each Slurm option's flag. */
const FLAG_OF: Record<string, string> = {
  partition: '--partition',
  gres: '--gres',
  timeLimit: '--time-limit',
  account: '--account',
  extraLines: '--sbatch-line'
}

/** The request's executor and slurm fields (absent where no flag gave them). */
export function placementFlags(values: PlacementValues): { executor?: Executor; slurm?: SlurmJobOptionsInput } {
  const executor = executorFlag(values.executor)
  const given: SlurmJobOptionsInput = {
    ...(values.partition !== undefined ? { partition: values.partition } : {}),
    ...(values.gres !== undefined ? { gres: values.gres } : {}),
    ...(values['time-limit'] !== undefined ? { timeLimit: values['time-limit'] } : {}),
    ...(values.account !== undefined ? { account: values.account } : {}),
    ...(values['sbatch-line']?.length ? { extraLines: values['sbatch-line'] } : {})
  }
  const flags = Object.keys(given).map((key) => FLAG_OF[key]!)
  if (flags.length === 0) return executor ? { executor } : {}
  if (executor === 'local') throw new CliError(`${flags.join(', ')}: Slurm job options are only for --executor slurm`)
  const parsed = slurmJobOptionsSchema.safeParse(given, { reportInput: true })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const flag = FLAG_OF[String(issue.path[0])] ?? '--sbatch-line'
    throw new CliError(`${flag}: ${issueText(issue)}`)
  }
  return { ...(executor ? { executor } : {}), slurm: given }
}
