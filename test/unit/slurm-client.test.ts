// The Slurm client without Slurm: what it asks sbatch for, how it reads what
// scontrol, squeue and sacct print (Slurm 22.05's formats), the messages of its
// errors, the per-job options' checks, the job script, and the polling's
// backoff. The real commands are exercised by test/integration/slurm-launcher.test.ts.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  parseJobOptions,
  parseSacct,
  parseScontrolJob,
  parseSqueue,
  sbatchArgs,
  SlurmClient,
  slurmCommands,
  SlurmError,
  withExtraLines,
  type CommandResult,
  type SubmitRequest
} from '../../src/main/service/slurm/client.ts'
import { jobScript } from '../../src/main/service/slurm/launcher.ts'
import { watchJob } from '../../src/main/service/slurm/watch-job.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixmatch-slurm-'))
  dirs.push(dir)
  return dir
}

/** A runner that answers from a script of results and records each call. */
function scriptedRunner(answers: Record<string, CommandResult | CommandResult[]>) {
  const calls: { command: string; args: string[] }[] = []
  const run = async (command: string, args: string[]): Promise<CommandResult> => {
    calls.push({ command, args })
    const answer = answers[command]
    if (!answer) throw new Error(`unexpected ${command}`)
    return Array.isArray(answer) ? answer.shift()! : answer
  }
  return { run, calls }
}

const ok = (stdout: string): CommandResult => ({ code: 0, stdout, stderr: '' })

function request(dir: string, options: SubmitRequest['options'] = {}): SubmitRequest {
  return {
    script: '#!/bin/sh\nexec node trainer.js\n',
    scriptPath: path.join(dir, 'job.sh'),
    options,
    jobName: 'fixmatch-lab-run-3',
    stdoutPath: path.join(dir, 'job-%j.out'),
    stderrPath: path.join(dir, 'job-%j.err'),
    workDir: dir
  }
}

// scontrol show job -o of Slurm 22.05.8 (trimmed of fields the client does not read)
const SCONTROL_RUNNING =
  'JobId=12 JobName=fixmatch-lab-run-3 UserId=root(0) JobState=RUNNING Reason=None Dependency=(null) Requeue=0 Restarts=0 BatchFlag=1 ExitCode=0:0 RunTime=00:00:04 NodeList=vm BatchHost=vm NumNodes=1 Command=/tmp/a b/job.sh WorkDir=/tmp'
const SCONTROL_PENDING = 'JobId=13 JobName=x JobState=PENDING Reason=Priority Dependency=(null) ExitCode=0:0 NodeList=(null) NumNodes=1'
const SCONTROL_CANCELLED = 'JobId=12 JobName=x JobState=CANCELLED Reason=None ExitCode=0:15 NodeList=vm'

describe('submitting a job', () => {
  it('writes the script with the extra lines under its shebang and calls sbatch --parsable with the options, --signal and --no-requeue', async () => {
    const dir = tempDir()
    const { run, calls } = scriptedRunner({ sbatch: ok('42\n') })
    const jobId = await new SlurmClient(run).submit(
      request(dir, {
        partition: 'gpu',
        gres: 'gpu:a100:1',
        timeLimit: '1-02:00:00',
        account: 'lab7',
        extraLines: ['--mem=16G', '#SBATCH --qos=high'],
        checkpointLeadSeconds: 300
      })
    )
    expect(jobId).toBe('42')
    expect(calls).toEqual([
      {
        command: 'sbatch',
        args: [
          '--parsable',
          '--job-name=fixmatch-lab-run-3',
          `--chdir=${dir}`,
          `--output=${dir}/job-%j.out`,
          `--error=${dir}/job-%j.err`,
          '--no-requeue',
          '--signal=B:USR1@300',
          '--partition=gpu',
          '--gres=gpu:a100:1',
          '--time=1-02:00:00',
          '--account=lab7',
          path.join(dir, 'job.sh')
        ]
      }
    ])
    expect(fs.readFileSync(path.join(dir, 'job.sh'), 'utf8')).toBe('#!/bin/sh\n#SBATCH --mem=16G\n#SBATCH --qos=high\nexec node trainer.js\n')
    expect(fs.statSync(path.join(dir, 'job.sh')).mode & 0o777).toBe(0o700)
  })

  it('asks for nothing the run did not set, and signals 180 s before the limit by default', () => {
    const args = sbatchArgs(request('/h'), parseJobOptions({}))
    expect(args.filter((a) => /^--(partition|gres|time|account)=/.test(a))).toEqual([])
    expect(args).toContain('--signal=B:USR1@180')
    expect(args).not.toContain('--requeue')
  })

  it('takes the id from --parsable\'s "<id>;<cluster>"', async () => {
    const { run } = scriptedRunner({ sbatch: ok('7;cluster-a\n') })
    expect(await new SlurmClient(run).submit(request(tempDir()))).toBe('7')
  })

  it("rejects with sbatch's own words when it refuses the job", async () => {
    const { run } = scriptedRunner({
      sbatch: {
        code: 1,
        stdout: '',
        stderr: 'sbatch: error: invalid partition specified: nope\nsbatch: error: Batch job submission failed: Invalid partition name specified\n'
      }
    })
    await expect(new SlurmClient(run).submit(request(tempDir(), { partition: 'nope' }))).rejects.toThrow(
      'sbatch refused the job: invalid partition specified: nope; Batch job submission failed: Invalid partition name specified'
    )
  })

  it('refuses output that is no job id', async () => {
    const { run } = scriptedRunner({ sbatch: ok('Submitted batch job 5\n') })
    await expect(new SlurmClient(run).submit(request(tempDir()))).rejects.toThrow('sbatch printed no job id (it printed "Submitted batch job 5")')
  })
})

describe("a job's options", () => {
  it.each([
    [{ partition: 'gpu a' }, 'slurm option partition: a Slurm name'],
    [{ gres: 'gpu:1 --wrap' }, 'slurm option gres: a --gres value'],
    [{ timeLimit: '2 hours' }, 'slurm option timeLimit: a Slurm time limit'],
    [{ account: '' }, 'slurm option account: a Slurm name'],
    [{ extraLines: ['--mem=1G', 'echo hi'] }, 'slurm option extraLines.1: one sbatch option on one line'],
    [{ extraLines: ['--mem=1G\n#SBATCH --x'] }, 'slurm option extraLines.0: one sbatch option on one line'],
    [{ checkpointLeadSeconds: 5 }, 'slurm option checkpointLeadSeconds:'],
    [{ partitoin: 'gpu' }, 'slurm option partitoin:']
  ])('refuses %j, naming the field', (input, message) => {
    let error: unknown
    try {
      parseJobOptions(input as never)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(SlurmError)
    expect((error as SlurmError).message).toContain(message)
    expect((error as SlurmError).field).toBe(message.split(' ')[2]!.replace(/:$/, ''))
  })

  it('accepts the time formats sbatch takes', () => {
    for (const time of ['30', '30:00', '12:00:00', '2-0', '2-12', '2-12:30', '2-12:30:00', 'UNLIMITED'])
      expect(parseJobOptions({ timeLimit: time }).timeLimit).toBe(time)
  })

  it('extra lines must go under the #! line', () => {
    expect(() => withExtraLines('exec node x\n', ['--mem=1G'])).toThrow('a job script must start with a #! line')
    expect(withExtraLines('exec node x\n', [])).toBe('exec node x\n')
  })
})

describe("a job's state", () => {
  it('reads scontrol show job: state, node, reason, and the exit code once ended', async () => {
    expect(parseScontrolJob(SCONTROL_RUNNING)).toEqual({ jobId: '12', state: 'RUNNING', nodes: 'vm', reason: 'None', ended: false })
    expect(parseScontrolJob(SCONTROL_PENDING)).toEqual({ jobId: '13', state: 'PENDING', nodes: '', reason: 'Priority', ended: false })
    expect(parseScontrolJob(SCONTROL_CANCELLED)).toEqual({
      jobId: '12',
      state: 'CANCELLED',
      nodes: 'vm',
      reason: 'None',
      ended: true,
      exitCode: 0,
      exitSignal: 15
    })
    expect(() => parseScontrolJob('No jobs in the system')).toThrow('scontrol printed no job state')
  })

  it('falls back to sacct once the controller has forgotten the job, and says UNKNOWN where there is no accounting', async () => {
    const forgotten: CommandResult = { code: 1, stdout: '', stderr: 'slurm_load_jobs error: Invalid job id specified\n' }
    const withAccounting = scriptedRunner({ scontrol: forgotten, sacct: ok('12|TIMEOUT|0:0|gpu-node-4|None\n') })
    expect(await new SlurmClient(withAccounting.run).state('12')).toEqual({
      jobId: '12',
      state: 'TIMEOUT',
      nodes: 'gpu-node-4',
      reason: 'None',
      ended: true,
      exitCode: 0,
      exitSignal: 0
    })

    const noAccounting = scriptedRunner({ scontrol: [forgotten, forgotten], sacct: { code: 1, stdout: '', stderr: 'Slurm accounting storage is disabled\n' } })
    const client = new SlurmClient(noAccounting.run)
    expect(await client.state('12')).toMatchObject({ state: 'UNKNOWN', ended: true })
    await client.state('12')
    // asked once: without accounting sacct will not start answering
    expect(noAccounting.calls.filter((c) => c.command === 'sacct')).toHaveLength(1)
  })

  it('reports a controller that does not answer as an error, not as a job that ended', async () => {
    const { run } = scriptedRunner({
      scontrol: { code: 1, stdout: '', stderr: 'slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n' }
    })
    await expect(new SlurmClient(run).state('12')).rejects.toThrow(
      'scontrol could not read job 12: slurm_load_jobs error: Unable to contact slurm controller (connect failure)'
    )
  })

  it('reads sacct\'s "CANCELLED by <uid>" and squeue\'s lines', () => {
    expect(parseSacct('9|CANCELLED by 0|0:15|vm|None\n', '9')).toMatchObject({ state: 'CANCELLED', ended: true, exitSignal: 15 })
    expect(parseSacct('', '9')).toBeUndefined()
    expect(parseSqueue('4|RUNNING|vm|None\n5|PENDING||Resources\n')).toEqual([
      { jobId: '4', state: 'RUNNING', nodes: 'vm', reason: 'None', ended: false },
      { jobId: '5', state: 'PENDING', nodes: '', reason: 'Resources', ended: false }
    ])
  })

  it('lists the jobs still queued or running with squeue; a forgotten single job is no error', async () => {
    const { run, calls } = scriptedRunner({
      squeue: [ok('4|RUNNING|vm|None\n'), { code: 1, stdout: '', stderr: 'slurm_load_jobs error: Invalid job id specified\n' }]
    })
    const client = new SlurmClient(run)
    expect((await client.queued(['4', '5'])).map((j) => j.jobId)).toEqual(['4'])
    expect(calls[0]!.args).toEqual(['-h', '-o', '%i|%T|%N|%r', '-j', '4,5'])
    expect(await client.queued(['6'])).toEqual([])
    expect(await client.queued([])).toEqual([])
  })

  it('scancel of a job already gone is no error; another failure is', async () => {
    const gone = scriptedRunner({ scancel: { code: 1, stdout: '', stderr: 'scancel: error: Kill job error on job id 5: Invalid job id specified\n' } })
    await expect(new SlurmClient(gone.run).cancel('5')).resolves.toBeUndefined()
    const denied = scriptedRunner({ scancel: { code: 1, stdout: '', stderr: 'scancel: error: Kill job error on job id 5: Access/permission denied\n' } })
    await expect(new SlurmClient(denied.run).cancel('5')).rejects.toThrow('scancel of job 5 failed: Kill job error on job id 5: Access/permission denied')
  })
})

describe('whether the client commands are there', () => {
  it('names the missing ones', () => {
    const dir = tempDir()
    for (const command of ['sbatch', 'squeue']) fs.writeFileSync(path.join(dir, command), '#!/bin/sh\n', { mode: 0o755 })
    expect(slurmCommands(dir)).toEqual({
      available: false,
      missing: ['scontrol', 'scancel'],
      reason: "Slurm's client commands are missing here (scontrol, scancel not on PATH)"
    })
    for (const command of ['scontrol', 'scancel']) fs.writeFileSync(path.join(dir, command), '#!/bin/sh\n', { mode: 0o755 })
    expect(slurmCommands(dir)).toEqual({ available: true, missing: [] })
  })
})

describe('the job script', () => {
  it('execs the trainer with the connect file in its environment, every word quoted for the shell', () => {
    const script = jobScript(3, "/home/o'neil/lab/slurm/run-3/connect-ab.json", ['/opt/node 22/bin/node', '/srv/lab/trainer-process.js'])
    expect(script.split('\n')[0]).toBe('#!/bin/sh')
    expect(script).toContain(`export FIXMATCH_LAB_SERVICE_FILE='/home/o'\\''neil/lab/slurm/run-3/connect-ab.json'\n`)
    expect(script).toContain(`exec '/opt/node 22/bin/node' '/srv/lab/trainer-process.js'\n`)
  })
})

describe('polling a job', () => {
  it('backs off while nothing changes, looks again soon after a change, and stops at the end', async () => {
    const states = ['PENDING', 'PENDING', 'PENDING', 'PENDING', 'RUNNING', 'RUNNING', 'COMPLETED']
    const lookedAt: number[] = []
    const client = {
      state: async (jobId: string) => {
        lookedAt.push(Date.now())
        const state = states.shift()!
        return {
          jobId,
          state,
          nodes: state === 'PENDING' ? '' : 'vm',
          reason: 'None',
          ended: state === 'COMPLETED',
          ...(state === 'COMPLETED' ? { exitCode: 0, exitSignal: 0 } : {})
        }
      }
    }
    const seen: string[] = []
    const ended = await new Promise<string>((resolve, reject) => {
      watchJob(client, '1', { onState: (s) => seen.push(s.state), onEnded: (s) => resolve(s.state), onError: reject }, { minMs: 20, maxMs: 200, factor: 2 })
    })
    expect(ended).toBe('COMPLETED')
    expect(seen).toEqual(['PENDING', 'RUNNING', 'COMPLETED'])
    const gaps = lookedAt.slice(1).map((t, i) => t - lookedAt[i]!)
    // PENDING seen 4 times: waits of 20, 40, 80, 160; after RUNNING back to 20
    expect(gaps[3]!).toBeGreaterThan(gaps[0]! * 3)
    expect(gaps[4]!).toBeLessThan(gaps[3]!)
  })
})
