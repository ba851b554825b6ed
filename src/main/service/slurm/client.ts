// The Slurm client commands, as the service uses them: submit a batch job
// (sbatch --parsable), read a job's state (scontrol show job, squeue, and sacct
// where accounting exists), cancel it (scancel), and say whether the commands
// are there. Each command runs without a shell; what Slurm prints on failure
// becomes the error's message ("invalid partition specified: gpu-x").
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { issueField, issueText } from '../../../shared/schema-issues.ts'
import { slurmJobOptionsSchema, type SlurmJobOptions, type SlurmJobOptionsInput } from '../../../shared/slurm.ts'

export class SlurmError extends Error {
  constructor(
    message: string,
    /** the option at fault, where one is */
    readonly field?: string
  ) {
    super(message)
  }
}

export interface CommandResult {
  code: number
  stdout: string
  stderr: string
}
/** Runs one client command; injected so the parsing can be tested without Slurm. */
export type CommandRunner = (command: string, args: string[]) => Promise<CommandResult>

/** A controller that does not answer within this long is reported, not waited on forever. */
const COMMAND_TIMEOUT_MS = 60_000

export const runCommand: CommandRunner = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: COMMAND_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new SlurmError(`${command} is not installed here (not found on PATH): the slurm executor needs Slurm's client commands`))
      }
      if (error && error.killed) return reject(new SlurmError(`${command} did not answer within ${COMMAND_TIMEOUT_MS / 1000} s (is slurmctld reachable?)`))
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ code, stdout, stderr })
    })
  })

const REQUIRED_COMMANDS = ['sbatch', 'squeue', 'scontrol', 'scancel'] as const

export interface SlurmCommands {
  available: boolean
  /** the required commands not found on PATH */
  missing: string[]
  /** why the executor cannot run, when it cannot */
  reason?: string
}

/** Whether Slurm's client commands are on PATH (sacct is optional: it needs accounting). */
export function slurmCommands(searchPath = process.env.PATH ?? ''): SlurmCommands {
  const dirs = searchPath.split(path.delimiter).filter(Boolean)
  const found = (command: string) =>
    dirs.some((dir) => {
      try {
        fs.accessSync(path.join(dir, command), fs.constants.X_OK)
        return true
      } catch {
        return false
      }
    })
  const missing = REQUIRED_COMMANDS.filter((command) => !found(command))
  if (missing.length === 0) return { available: true, missing }
  return { available: false, missing, reason: `Slurm's client commands are missing here (${missing.join(', ')} not on PATH)` }
}

/** Parses a job's Slurm options, naming the field at fault. */
export function parseJobOptions(input: SlurmJobOptionsInput = {}): SlurmJobOptions {
  const parsed = slurmJobOptionsSchema.safeParse(input, { reportInput: true })
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  const field = issueField(issue, 'slurm')
  throw new SlurmError(`slurm option ${field}: ${issueText(issue)}`, field)
}

export interface SubmitRequest {
  /** the job script's text (a shell script); extra sbatch lines are put under its first line */
  script: string
  /** where the script is written (it stays there: the job's record of what ran) */
  scriptPath: string
  options: SlurmJobOptionsInput
  jobName: string
  /** the job's stdout and stderr files */
  stdoutPath: string
  stderrPath: string
  /** the job's working directory */
  workDir: string
}

/** The sbatch arguments for a request (the script's path last). */
export function sbatchArgs(request: SubmitRequest, options: SlurmJobOptions): string[] {
  const args = [
    '--parsable',
    `--job-name=${request.jobName}`,
    `--chdir=${request.workDir}`,
    `--output=${request.stdoutPath}`,
    `--error=${request.stderrPath}`,
    // the service alone resumes a run, with a new job: never two jobs for one run
    '--no-requeue',
    // B: to the batch shell, which execs the trainer: it checkpoints and exits before the limit
    `--signal=B:USR1@${options.checkpointLeadSeconds}`
  ]
  if (options.partition) args.push(`--partition=${options.partition}`)
  if (options.gres) args.push(`--gres=${options.gres}`)
  if (options.timeLimit) args.push(`--time=${options.timeLimit}`)
  if (options.account) args.push(`--account=${options.account}`)
  args.push(request.scriptPath)
  return args
}

/** The script with the extra lines as #SBATCH directives right under its shebang (sbatch reads them only before the first command). */
export function withExtraLines(script: string, extraLines: string[]): string {
  if (extraLines.length === 0) return script
  const newline = script.indexOf('\n')
  if (!script.startsWith('#!') || newline < 0) throw new SlurmError('a job script must start with a #! line')
  const directives = extraLines.map((line) => `#SBATCH ${line}\n`).join('')
  return script.slice(0, newline + 1) + directives + script.slice(newline + 1)
}

/** Submits a batch job; resolves with its job id, or rejects with sbatch's own words. */
export async function submitJob(request: SubmitRequest, run: CommandRunner = runCommand): Promise<string> {
  const options = parseJobOptions(request.options)
  fs.mkdirSync(path.dirname(request.scriptPath), { recursive: true })
  fs.writeFileSync(request.scriptPath, withExtraLines(request.script, options.extraLines), { mode: 0o700 })
  const result = await run('sbatch', sbatchArgs(request, options))
  if (result.code !== 0) throw new SlurmError(`sbatch refused the job: ${slurmMessage(result)}`)
  // --parsable: "<id>" or "<id>;<cluster>"
  const id = result.stdout.trim().split(';')[0] ?? ''
  if (!/^\d+(_\d+)?$/.test(id)) throw new SlurmError(`sbatch printed no job id (it printed "${result.stdout.trim()}")`)
  return id
}

/** What a client command said on failure: its "error:" lines without the command's prefix, else its last line. */
export function slurmMessage(result: Pick<CommandResult, 'stdout' | 'stderr' | 'code'>): string {
  const lines = `${result.stderr}\n${result.stdout}`
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  const errors = lines.filter((line) => /^\w+: error: /.test(line)).map((line) => line.replace(/^\w+: error: /, ''))
  if (errors.length) return errors.join('; ')
  return lines.at(-1) ?? `exit code ${result.code} and no output`
}

/** Job states after which nothing of the job runs any more. */
const ENDED_STATES = new Set([
  'BOOT_FAIL',
  'CANCELLED',
  'COMPLETED',
  'DEADLINE',
  'FAILED',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'PREEMPTED',
  'REVOKED',
  'SPECIAL_EXIT',
  'TIMEOUT'
])

export interface SlurmJobState {
  jobId: string
  /** PENDING, RUNNING, COMPLETING, COMPLETED, CANCELLED, TIMEOUT, ...; UNKNOWN once no command knows the job */
  state: string
  /** the nodes it runs or ran on (empty while pending) */
  nodes: string
  /** why it is pending or how it ended, as Slurm says it ("Priority", "None", ...) */
  reason: string
  /** where it ended: the batch script's exit code and the signal that ended it (ExitCode=<code>:<signal>) */
  exitCode?: number
  exitSignal?: number
  ended: boolean
}

function stateOf(jobId: string, rawState: string, nodes: string, reason: string, exitCode?: string): SlurmJobState {
  // sacct writes "CANCELLED by 0"; squeue and scontrol the bare name
  const state = rawState.split(/\s+/)[0]!.replace(/\+$/, '')
  const job: SlurmJobState = {
    jobId,
    state,
    nodes: nodes === '(null)' || nodes === 'None assigned' ? '' : nodes,
    reason: reason === '(null)' ? '' : reason,
    ended: ENDED_STATES.has(state)
  }
  const exit = exitCode?.match(/^(\d+):(\d+)$/)
  if (exit && job.ended) {
    job.exitCode = Number(exit[1])
    job.exitSignal = Number(exit[2])
  }
  return job
}

/** One `scontrol show job -o` line: space-separated Key=Value pairs (the values we read have no spaces). */
export function parseScontrolJob(line: string): SlurmJobState {
  const field = (key: string) => line.match(new RegExp(`(?:^|\\s)${key}=(\\S*)`))?.[1]
  const jobId = field('JobId')
  const state = field('JobState')
  if (!jobId || !state) throw new SlurmError(`scontrol printed no job state ("${line.trim().slice(0, 120)}")`)
  return stateOf(jobId, state, field('NodeList') ?? '', field('Reason') ?? '', field('ExitCode'))
}

const SQUEUE_FORMAT = '%i|%T|%N|%r'

/** `squeue -h -o '%i|%T|%N|%r'` output: one job a line. */
export function parseSqueue(output: string): SlurmJobState[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [jobId = '', state = '', nodes = '', reason = ''] = line.split('|')
      return stateOf(jobId, state, nodes, reason)
    })
}

/** `sacct -X -n -P -o JobID,State,ExitCode,NodeList,Reason` output for one job, or undefined where sacct lists none. */
export function parseSacct(output: string, jobId: string): SlurmJobState | undefined {
  const line = output.split('\n').find((l) => l.split('|')[0] === jobId)
  if (!line) return undefined
  const [, state = '', exitCode = '', nodes = '', reason = ''] = line.split('|')
  return stateOf(jobId, state, nodes, reason, exitCode)
}

const UNKNOWN_JOB = /invalid job id/i

export class SlurmClient {
  /** sacct answers only where accounting is set up; learnt at its first use */
  private sacctWorks: boolean | undefined

  constructor(private readonly run: CommandRunner = runCommand) {}

  submit(request: SubmitRequest): Promise<string> {
    return submitJob(request, this.run)
  }

  /** A job's state: scontrol while the controller remembers it (MinJobAge), then sacct where accounting exists. */
  async state(jobId: string): Promise<SlurmJobState> {
    const result = await this.run('scontrol', ['show', 'job', '-o', jobId])
    if (result.code === 0 && result.stdout.trim()) return parseScontrolJob(result.stdout.trim().split('\n')[0]!)
    if (!UNKNOWN_JOB.test(`${result.stderr}${result.stdout}`)) throw new SlurmError(`scontrol could not read job ${jobId}: ${slurmMessage(result)}`)
    const fromAccounting = await this.sacct(jobId)
    // forgotten by the controller and no accounting: it ended, how is lost
    return fromAccounting ?? { jobId, state: 'UNKNOWN', nodes: '', reason: 'the controller no longer knows the job', ended: true }
  }

  /** The listed jobs that are still queued or running (squeue forgets ended jobs soon after they end). */
  async queued(jobIds: string[]): Promise<SlurmJobState[]> {
    if (jobIds.length === 0) return []
    const result = await this.run('squeue', ['-h', '-o', SQUEUE_FORMAT, '-j', jobIds.join(',')])
    // with one id squeue fails once the job is forgotten; with several it leaves it out
    if (result.code !== 0) {
      if (UNKNOWN_JOB.test(`${result.stderr}${result.stdout}`)) return []
      throw new SlurmError(`squeue failed: ${slurmMessage(result)}`)
    }
    return parseSqueue(result.stdout).filter((job) => !job.ended)
  }

  /** Cancels a job (Slurm signals it with SIGTERM, then SIGKILL after KillWait). A job already gone is not an error. */
  async cancel(jobId: string): Promise<void> {
    const result = await this.run('scancel', [jobId])
    if (result.code !== 0 && !UNKNOWN_JOB.test(`${result.stderr}${result.stdout}`))
      throw new SlurmError(`scancel of job ${jobId} failed: ${slurmMessage(result)}`)
  }

  private async sacct(jobId: string): Promise<SlurmJobState | undefined> {
    if (this.sacctWorks === false) return undefined
    let result: CommandResult
    try {
      result = await this.run('sacct', ['-X', '-n', '-P', '-o', 'JobID,State,ExitCode,NodeList,Reason', '-j', jobId])
    } catch {
      this.sacctWorks = false
      return undefined
    }
    // "Slurm accounting storage is disabled" where there is no slurmdbd
    this.sacctWorks = result.code === 0
    return this.sacctWorks ? parseSacct(result.stdout, jobId) : undefined
  }
}
