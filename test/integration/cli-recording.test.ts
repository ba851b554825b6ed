// `run` and `compare` go through the lab service: their runs are recorded in
// the home's store (compare's as an experiment), the runs of a compare train
// side by side on the default slots, and a compare stopped by Ctrl-C is left
// resumable: a worker finishes it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openStore } from '../../src/main/store/index.ts'
import { startCli, until, within } from './process-helpers.ts'

const TINY = ['--set', 'steps=4', '--set', 'evalEvery=2', '--set', 'logEvery=2', '--set', 'batchSize=4', '--set', 'evalLimit=100', '--set', 'labelsPerClass=2']
const TIMEOUT = 300_000
const homes: string[] = []

afterEach(() => {
  for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true })
})

function tempHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fml-cli-rec-'))
  homes.push(home)
  return home
}

function readStore<T>(home: string, read: (store: ReturnType<typeof openStore>) => T): T {
  const store = openStore(home, { readonly: true })
  try {
    return read(store)
  } finally {
    store.close()
  }
}

async function finished(args: string[]) {
  const cli = startCli(args)
  const exit = await within(cli.exited, TIMEOUT, `${args[0]} to finish`)
  expect(exit.code, cli.stderr()).toBe(0)
  return cli
}

describe('run and compare record their runs', () => {
  it("compare: an experiment of its runs, finished, with the table's numbers, trained side by side", { timeout: TIMEOUT }, async () => {
    const home = tempHome()
    const cli = await finished(['compare', '--preset', 'mnist-quick', '--variants', 'S,O', '--backend', 'wasm', ...TINY, '--home', home, '--json'])
    const { rows } = JSON.parse(cli.stdout().trim().split('\n').at(-1)!)
    const { experiments, runs } = readStore(home, (store) => ({ experiments: store.experiments.list(), runs: store.runs.list({ order: 'oldest' }) }))
    expect(experiments).toHaveLength(1)
    expect(experiments[0].preset).toBe('mnist-quick')
    expect(runs.map((run) => [run.variant, run.status, run.experimentId])).toEqual([
      ['S', 'finished', experiments[0].id],
      ['O', 'finished', experiments[0].id]
    ])
    for (const row of rows) {
      const run = runs.find((r) => r.variant === row.variant)!
      expect(run.summary['eval/top1'].last).toBe(row.top1PerSeed[0])
      expect(run.step).toBe(4)
    }
    // the default slots on this machine (one per core): the second started before the first ended
    if (os.availableParallelism() >= 2) expect(Math.max(...runs.map((r) => r.startedAt!))).toBeLessThan(Math.min(...runs.map((r) => r.finishedAt!)))
  })

  it('compare --slots 1 trains one run after the other', { timeout: TIMEOUT }, async () => {
    const home = tempHome()
    await finished(['compare', '--preset', 'mnist-quick', '--variants', 'S,O', '--backend', 'wasm', ...TINY, '--home', home, '--slots', '1'])
    const [first, second] = readStore(home, (store) => store.runs.list({ order: 'oldest' }))
    expect(second.startedAt!).toBeGreaterThanOrEqual(first.finishedAt!)
  })

  it('run: one run in the store, no experiment', { timeout: TIMEOUT }, async () => {
    const home = tempHome()
    await finished(['run', '--preset', 'mnist-quick', '--backend', 'wasm', ...TINY, '--home', home])
    const runs = readStore(home, (store) => store.runs.list())
    expect(runs.map((run) => [run.status, run.experimentId, run.step])).toEqual([['finished', null, 4]])
  })

  it('a compare stopped by Ctrl-C leaves its runs queued with their checkpoints; a worker finishes them', { timeout: TIMEOUT }, async () => {
    const home = tempHome()
    const slow = [
      '--set',
      'steps=40',
      '--set',
      'batchSize=32',
      '--set',
      'mu=3',
      '--set',
      'evalEvery=20',
      '--set',
      'logEvery=5',
      '--set',
      'checkpointEvery=2',
      '--set',
      'evalLimit=200',
      '--set',
      'labelsPerClass=2'
    ]
    const cli = startCli(['compare', '--preset', 'mnist-quick', '--variants', 'S,O', '--backend', 'wasm', ...slow, '--home', home])
    await until(() => /\] [1-9]\d*\/40/.test(cli.stderr()), 150_000, 'a first progress line')
    cli.ctrlC()
    const exit = await within(cli.exited, 60_000, 'compare to exit after Ctrl-C')
    expect(exit.code, cli.stderr()).toBe(130)
    expect(cli.stderr()).toMatch(/compare: interrupted/)
    const stopped = readStore(home, (store) => store.runs.list({ order: 'oldest' }))
    expect(stopped.map((run) => run.status)).toEqual(['queued', 'queued'])
    expect(Math.max(...stopped.map((run) => run.step))).toBeGreaterThan(0)

    const worker = await finished(['worker', '--home', home, '--quiet'])
    expect(worker.stderr()).toMatch(/worker done: 2 finished/)
    const done = readStore(home, (store) => store.runs.list({ order: 'oldest' }))
    expect(done.map((run) => [run.status, run.step])).toEqual([
      ['finished', 40],
      ['finished', 40]
    ])
  })

  it('--slots, --executor and a bad settings.json are refused naming what is wrong, and the file is left as it was', { timeout: TIMEOUT }, async () => {
    const home = tempHome()
    const flag = startCli(['worker', '--home', home, '--slots', '0'])
    expect((await within(flag.exited, 60_000, 'worker to refuse')).code).toBe(2)
    expect(flag.stderr()).toMatch(/--slots must be an integer from 1 to 256, got "0"/)
    const executor = startCli(['serve', '--home', home, '--port', '0', '--executor', 'cloud'])
    expect((await within(executor.exited, 60_000, 'serve to refuse')).code).toBe(2)
    expect(executor.stderr()).toMatch(/--executor must be one of local, slurm, got "cloud"/)
    const file = path.join(home, 'settings.json')
    fs.writeFileSync(file, '{"slots": -1, "theme": "dark"}')
    const compare = startCli(['compare', '--preset', 'mnist-quick', '--variants', 'S', ...TINY, '--home', home])
    expect((await within(compare.exited, 60_000, 'compare to refuse')).code).toBe(2)
    expect(compare.stderr()).toContain(`${file}: slots: expected an integer from 1 to 256, got -1`)
    expect(fs.readFileSync(file, 'utf8')).toBe('{"slots": -1, "theme": "dark"}')
  })
})
