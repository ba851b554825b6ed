// The built `fixmatch-lab` as a script sees it: --version, bench --help, doctor --home,
// a closed stdout, and one exit status per kind of error whichever command meets it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn, spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { FIXTURES_DIR } from '../helpers/fixtures.ts'
import { EXIT } from '../../src/cli/exit-codes.ts'

const ROOT = path.resolve(FIXTURES_DIR, '../..')
const BIN = path.join(ROOT, 'bin/fixmatch-lab.js')
const TIMEOUT = 120_000

function cli(args: string[]) {
  const out = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: TIMEOUT })
  return { status: out.status, stdout: out.stdout, stderr: out.stderr }
}

const emptyHome = () => fs.mkdtempSync(path.join(os.tmpdir(), 'fml-exit-'))

/** A home whose store holds one queued run of experiment 1 (queue add without a service writes the store itself). */
function homeWithOneExperiment(): string {
  const home = emptyHome()
  const added = cli(['queue', 'add', '--preset', 'mnist-quick', '--variants', 'O', '--seeds', '1', '--name', 'one', '--home', home])
  expect(added.status, added.stderr).toBe(0)
  return home
}

describe('fixmatch-lab exit statuses and small commands', { timeout: TIMEOUT }, () => {
  it('--version prints the package version', () => {
    const r = cli(['--version'])
    expect(r.status).toBe(EXIT.ok)
    expect(r.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version)
  })

  it('bench --help lists the benchmarks with status 0; bench without one is a usage error', () => {
    const help = cli(['bench', '--help'])
    expect(help.status).toBe(EXIT.ok)
    for (const name of ['train-step', 'augment', 'store', 'slots', 'all']) expect(help.stdout).toMatch(new RegExp(`^  ${name}\\s+\\S`, 'm'))
    const missing = cli(['bench'])
    expect(missing.status).toBe(EXIT.usage)
    expect(missing.stderr).toMatch(/bench needs one of: train-step/)
  })

  it('runs --experiment 99 says the experiment does not exist, in an empty home and beside others', () => {
    const empty = emptyHome()
    const none = cli(['runs', '--experiment', '99', '--home', empty])
    expect(none.status).toBe(EXIT.notFound)
    expect(none.stderr).toContain(`experiment 99 does not exist in ${empty}`)
    const home = homeWithOneExperiment()
    const missing = cli(['runs', '--experiment', '99', '--home', home])
    expect(missing.status).toBe(EXIT.notFound)
    expect(missing.stderr).toContain('experiment 99 does not exist')
    expect(missing.stdout).not.toMatch(/no runs recorded/)
    const present = cli(['runs', '--experiment', '1', '--json', '--home', home])
    expect(present.status).toBe(EXIT.ok)
    expect(JSON.parse(present.stdout)).toHaveLength(1)
  })

  it('gives the same status for the same kind of error across commands', () => {
    const home = homeWithOneExperiment()
    // not found: a run or experiment id the store does not have
    for (const args of [
      ['export', '99'],
      ['export', '--experiment', '99'],
      ['queue', 'pause', '99'],
      ['runs', '--experiment', '99']
    ]) {
      const r = cli([...args, '--home', home])
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(EXIT.notFound)
      expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
    }
    // usage: a bad flag or value
    for (const args of [['runs', '--bogus'], ['export'], ['queue', 'move', '1', 'sideways'], ['doctor', '--backend', 'tpu']]) {
      expect(cli([...args, '--home', home]).status, args.join(' ')).toBe(EXIT.usage)
    }
    // unavailable: the service the home publishes cannot be reached
    fs.writeFileSync(
      path.join(home, 'service.json'),
      JSON.stringify({ pid: process.pid, hostname: os.hostname(), url: 'http://127.0.0.1:1', token: 't', mode: 'worker', startedAt: new Date().toISOString() })
    )
    for (const args of [
      ['queue', 'pause', '1'],
      ['queue', 'cancel', '1']
    ]) {
      const r = cli([...args, '--home', home])
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(EXIT.unavailable)
      expect(r.stderr).toMatch(/cannot reach the running worker/)
    }
  })

  it('ends quietly with status 0 when the reader closes stdout (runs | head, export | head)', async () => {
    const home = homeWithOneExperiment()
    for (const args of [
      ['runs', '--json'],
      ['export', '--experiment', '1', '--format', 'json']
    ]) {
      const child = spawn(process.execPath, [BIN, ...args, '--home', home], { stdio: ['ignore', 'pipe', 'pipe'] })
      child.stdout.destroy() // the reader is gone before the first line: every write meets EPIPE
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])))
      expect(stderr, args.join(' ')).toBe('')
      expect([code, signal]).toEqual([EXIT.ok, null])
    }
  })

  it('doctor --home reports that home: where it came from, its runs and experiments, datasets and service', () => {
    const home = homeWithOneExperiment()
    const json = cli(['doctor', '--home', home, '--json'])
    expect(json.status, json.stderr).toBe(EXIT.ok)
    const report = JSON.parse(json.stdout.trim().split('\n').at(-1)!)
    expect(report.home).toMatchObject({ path: home, from: '--home', exists: true, store: { runs: 1, experiments: 1 }, settings: {} })
    expect(report.home.datasets).toEqual([
      { name: 'cifar10', imported: false },
      { name: 'cifar100', imported: false }
    ])
    expect(report.home.service).toBeUndefined()
    const text = cli(['doctor', '--home', home])
    expect(text.stdout).toContain(`home      ${home} (from --home)`)
    expect(text.stdout).toMatch(/store {3}1 run\(s\), 1 experiment\(s\)/)
  })
})
