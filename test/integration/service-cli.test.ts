// The CLI's service commands in-process: queue changes reach the store, or a
// running worker/serve through its published API; a store held by another
// process is named; `worker --once` trains a queued run through the trainer
// process; export and import carry a run to a second home.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { main } from '../../src/cli/main.ts'
import { publishService, readServiceFile, serviceFilePath } from '../../src/cli/service-file.ts'
import { startLabServer } from '../../src/main/server/index.ts'
import type { RunRecord } from '../../src/shared/api.ts'
import { fakeLauncher, openService, tempHome, tinyConfig } from './service-helpers.ts'

const TINY = Object.entries(tinyConfig()).flatMap(([key, value]) => (key === 'datasetPath' ? [] : ['--set', `${key}=${value}`]))

/** Runs the CLI, capturing what it prints. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((...args) => void out.push(args.join(' ')))
  const error = vi.spyOn(console, 'error').mockImplementation((...args) => void err.push(args.join(' ')))
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true))
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true))
  try {
    const code = await main(argv)
    return { code, out: out.join('\n'), err: err.join('\n') }
  } finally {
    log.mockRestore()
    error.mockRestore()
    write.mockRestore()
    stdout.mockRestore()
  }
}

afterEach(() => vi.restoreAllMocks())

describe('fixmatch-lab queue, runs, export and import', () => {
  it('queue add --executor slurm and the Slurm options: kept with the run and the experiment; a bad value names its flag', async () => {
    const home = tempHome()
    const slurmFlags = ['--executor', 'slurm', '--partition', 'gpu-a', '--gres', 'gpu:1', '--time-limit', '2:00:00', '--account', 'lab7']
    const lines = ['--sbatch-line=--mem=16G', '--sbatch-line=#SBATCH --cpus-per-task=2']
    expect((await cli('queue', 'add', '--home', home, ...TINY, ...slurmFlags, ...lines)).code).toBe(0)
    expect((await cli('queue', 'add', '--home', home, ...TINY, '--executor', 'slurm', '--variants', 'S', '--seeds', '1,2', '--partition', 'cpu')).code).toBe(0)
    expect((await cli('queue', 'add', '--home', home, ...TINY, '--executor', 'local')).code).toBe(0)
    const listed = JSON.parse((await cli('queue', 'list', '--json', '--home', home)).out) as RunRecord[]
    expect(listed.map((run) => [run.id, run.executor, run.slurm ?? null])).toEqual([
      [
        1,
        'slurm',
        { partition: 'gpu-a', gres: 'gpu:1', timeLimit: '2:00:00', account: 'lab7', extraLines: ['--mem=16G', '--cpus-per-task=2'], checkpointLeadSeconds: 180 }
      ],
      [2, 'slurm', { partition: 'cpu', extraLines: [], checkpointLeadSeconds: 180 }],
      [3, 'slurm', { partition: 'cpu', extraLines: [], checkpointLeadSeconds: 180 }],
      [4, 'local', null]
    ])

    const refused = async (...flags: string[]) => {
      const result = await cli('queue', 'add', '--home', home, ...TINY, ...flags)
      expect(result.code).toBe(2)
      return result.err
    }
    expect(await refused('--executor', 'cloud')).toMatch(/--executor.*"cloud"/)
    expect(await refused('--executor', 'slurm', '--time-limit', 'soon')).toMatch(
      /^fixmatch-lab queue: --time-limit: a Slurm time limit: minutes, HH:MM:SS or D-HH:MM:SS, got "soon"/m
    )
    expect(await refused('--executor', 'slurm', '--partition', 'a b')).toMatch(/^fixmatch-lab queue: --partition: a Slurm name/m)
    expect(await refused('--executor', 'slurm', '--sbatch-line=mem=1G')).toMatch(/^fixmatch-lab queue: --sbatch-line: one sbatch option on one line/m)
    expect(await refused('--executor', 'local', '--gres', 'gpu:1')).toMatch(/^fixmatch-lab queue: --gres: Slurm job options are only for --executor slurm/m)
    // nothing of the refused ones was queued
    expect((JSON.parse((await cli('queue', 'list', '--json', '--home', home)).out) as RunRecord[]).length).toBe(4)
  })

  it('queues runs and experiments, lists, moves, pauses and resumes them through the store', async () => {
    const home = tempHome()
    expect((await cli('queue', 'add', '--home', home, ...TINY)).out).toMatch(/queued run 1: O seed 1 .*through the run store/)
    const experiment = await cli('queue', 'add', '--home', home, ...TINY, '--variants', 'S,U', '--seeds', '1,2', '--name', 'two by two')
    expect(experiment.out).toMatch(/experiment 1 "two by two": S, U x seeds 1, 2 on split seed 1, runs 2, 3, 4, 5 queued/)
    expect((await cli('queue', 'move', '5', 'top', '--home', home)).code).toBe(0)
    expect((await cli('queue', 'pause', '2', '--home', home)).code).toBe(0)
    const listed = JSON.parse((await cli('queue', 'list', '--json', '--home', home)).out) as { id: number; status: string }[]
    expect(listed.map((run) => [run.id, run.status])).toEqual([
      [5, 'queued'],
      [1, 'queued'],
      [2, 'paused'],
      [3, 'queued'],
      [4, 'queued']
    ])
    expect((await cli('queue', 'resume', '2', '--home', home)).code).toBe(0)
    const table = (await cli('queue', 'list', '--home', home)).out
    expect(table.split('\n')[0]).toMatch(/^run\s+status/)
    expect(table).toMatch(/2\s+queued\s+S seed 1 \(mnist, 2\/class\)\s+local\s/)
    const bad = await cli('queue', 'add', '--home', home, '--set', 'mu=0')
    expect(bad.code).toBe(2)
    expect(bad.err).toMatch(/mu: 0 is not allowed/)
    expect((await cli('queue', 'move', '1', 'sideways', '--home', home)).code).toBe(2)
  })

  it('sends changes through a running service that published its API, and names a holder that did not', async () => {
    const home = tempHome()
    const service = openService({ homeDir: home, launcher: fakeLauncher() })
    // without service.json the lock holder is named
    const refused = await cli('queue', 'add', '--home', home, ...TINY)
    expect(refused.code).toBe(4) // EXIT.unavailable: the store is held
    expect(refused.err).toContain(`in use by process ${process.pid}`)
    const refusedImport = await cli('import', path.join(home, 'runs.sqlite'), '--home', home)
    expect(refusedImport.err).toContain(`in use by process ${process.pid}`)

    const server = await startLabServer({ handlers: service.handlers, events: service.events })
    const unpublish = publishService(home, { url: server.url, token: server.token, mode: 'worker' })
    try {
      expect(fs.statSync(serviceFilePath(home)).mode & 0o777).toBe(0o600)
      const added = await cli('queue', 'add', '--home', home, ...TINY)
      expect(added.out).toMatch(new RegExp(`queued run 1: .*through the running worker \\(process ${process.pid}\\) at ${server.url}`))
      expect(service.store.queue.list().map((run) => run.id)).toEqual([1])
      await cli('queue', 'add', '--home', home, ...TINY, '--set', 'seed=2')
      expect((await cli('queue', 'move', '2', 'top', '--home', home)).code).toBe(0)
      expect(service.store.queue.list().map((run) => run.id)).toEqual([2, 1])
      const failed = await cli('queue', 'resume', '99', '--home', home)
      expect(failed.code).toBe(3) // EXIT.notFound, as through the store
      expect(failed.err).toMatch(/no run with id 99/)
      // reading needs no lock: beside the running service
      expect(JSON.parse((await cli('runs', '--json', '--home', home)).out)).toHaveLength(2)
    } finally {
      unpublish()
      await server.close()
    }
    expect(readServiceFile(home)).toBeUndefined()
  })

  it('worker --once trains the head of the queue in a trainer process, publishing its API meanwhile', async () => {
    const home = tempHome()
    await cli('queue', 'add', '--home', home, ...TINY)
    await cli('queue', 'add', '--home', home, ...TINY, '--set', 'seed=2')
    const { code, err } = await cli('worker', '--once', '--quiet', '--home', home)
    expect(code).toBe(0)
    expect(err).toMatch(/run 1 O seed 1 .*: finished in/)
    expect(err).toMatch(/worker done: 1 finished/)
    expect(fs.existsSync(serviceFilePath(home))).toBe(false)
    const runs = JSON.parse((await cli('runs', '--json', '--home', home)).out) as { id: number; status: string; summary: Record<string, unknown> }[]
    expect(runs.map((run) => [run.id, run.status])).toEqual([
      [2, 'queued'],
      [1, 'finished']
    ])
    expect(runs[1].summary['eval/top1']).toBeDefined()

    // the finished run, carried to another home as a bundle
    const bundle = path.join(tempHome(), 'run-1.tar')
    const exported = await cli('export', '1', '--format', 'bundle', '--out', bundle, '--home', home)
    expect(exported.err).toMatch(/with the checkpoint at step 8/)
    const other = tempHome()
    expect((await cli('import', bundle, '--home', other)).out).toMatch(/imported as run 1: O seed 1, finished at step 8\/8, with its checkpoint at step 8/)
    const shown = JSON.parse((await cli('runs', '--json', '--home', other)).out)
    expect(shown[0]).toMatchObject({ status: 'finished', step: 8, summary: runs[1].summary })
    const csv = (await cli('export', '1', '--format', 'csv', '--home', other)).out
    expect(csv.split('\n')[0]).toBe('step,name,value,wall_time')
    expect(csv).toMatch(/\n8,eval\/top1,/)
  })
})
