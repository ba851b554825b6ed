// The `fixmatch-lab` command as a user runs it: exit codes, messages, JSON last lines.
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { FIXTURES_DIR } from '../helpers/fixtures.ts'

const BIN = path.resolve(FIXTURES_DIR, '../../bin/fixmatch-lab.js')
const TINY = ['--set', 'steps=4', '--set', 'evalEvery=2', '--set', 'logEvery=2', '--set', 'batchSize=4', '--set', 'evalLimit=100', '--set', 'labelsPerClass=2']

function cli(args: string[]) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'fml-cli-'))
  const out = spawnSync(process.execPath, [BIN, ...args, '--home', home], { encoding: 'utf8', timeout: 300_000 })
  return { status: out.status, stdout: out.stdout, stderr: out.stderr, lastJson: () => JSON.parse(out.stdout.trim().split('\n').at(-1)!) }
}

function configFile(name: string, text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fml-config-'))
  writeFileSync(path.join(dir, name), text)
  return path.join(dir, name)
}

describe('fixmatch-lab CLI', () => {
  it('refuses an unknown config key in a YAML file before anything runs, naming it', () => {
    const r = cli(['run', '--config', configFile('bad.yaml', 'dataset: mnist\nlearning_rate: 0.1\n')])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/unknown config key "learning_rate"/)
  })

  it('refuses a bad value with what is allowed, and a broken JSON file', () => {
    const bad = cli(['run', '--set', 'mu=0'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/mu: 0 is not allowed; expected an integer >= 1/)
    const broken = cli(['run', '--config', configFile('c.json', '{ "lr": ')])
    expect(broken.status).toBe(2)
    expect(broken.stderr).toMatch(/not valid JSON/)
  })

  it('refuses an unknown preset and variant', () => {
    expect(cli(['run', '--preset', 'imagenet']).stderr).toMatch(/unknown preset "imagenet" \(available: mnist-quick/)
    expect(cli(['compare', '--variants', 'O,Z']).stderr).toMatch(/"Z" is not a variant/)
  })

  it('says how to get CIFAR when it is not in the home folder', () => {
    const r = cli(['run', '--preset', 'cifar10-40', '--set', 'steps=1'])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/data (import|download)/)
  })

  it('refuses a step that cannot fit the wasm heap, saying what to change', () => {
    const r = cli(['run', '--set', 'model=wrn-28-2', '--set', 'batchSize=64', '--set', 'mu=7', '--backend', 'wasm'])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/wrn-28-2 on the wasm backend fits at most about \d+ images .* puts 960 in one: lower batchSize or mu/)
  })

  it('run --json ends with the result object', () => {
    const r = cli(['run', '--preset', 'mnist-quick', '--backend', 'wasm', ...TINY, '--json'])
    expect(r.status).toBe(0)
    const result = r.lastJson()
    expect(result).toMatchObject({ status: 'finished', backend: 'wasm', steps: 4 })
    expect(result.config.steps).toBe(4)
    expect(result.top1).toBeGreaterThanOrEqual(0)
    expect(result.top1).toBeLessThanOrEqual(100)
    expect(result.metrics.loss.last).toBeGreaterThan(0)
    expect(r.stderr).toMatch(/4\/4/)
  })

  it('compare --json: one row per variant, seeds on one split, mean and std over seeds', () => {
    const r = cli(['compare', '--preset', 'mnist-quick', '--variants', 'S,O', '--seeds', '1,2', '--backend', 'wasm', ...TINY, '--json'])
    expect(r.status).toBe(0)
    const { rows, splitHash } = r.lastJson()
    expect(rows.map((row: { variant: string }) => row.variant)).toEqual(['S', 'O'])
    for (const row of rows) {
      expect(row.seeds).toEqual([1, 2])
      const [a, b] = row.top1PerSeed
      expect(row.top1Mean).toBeCloseTo((a + b) / 2, 6)
      expect(row.top1Std).toBeCloseTo(Math.abs(a - b) / Math.SQRT2, 6)
      expect(row.trainSeconds).toBeGreaterThan(0)
    }
    expect(splitHash).toMatch(/^[0-9a-f]{16}$/)
    expect(r.stdout).toMatch(/\| Model +\| S +\| O +\|/)
  })

  it('compare --stat median20 --per-seed --paired S: the table names the statistic, lists seeds and pairs them', () => {
    const r = cli([
      'compare',
      '--preset',
      'mnist-quick',
      '--variants',
      'S,O',
      '--seeds',
      '1,2',
      '--backend',
      'wasm',
      ...TINY,
      '--stat',
      'median20',
      '--per-seed',
      '--paired',
      'S',
      '--json'
    ])
    expect(r.status).toBe(0)
    const { rows, paired } = r.lastJson()
    for (const row of rows) {
      expect(row.stat).toBe('median20')
      // steps=4 with evalEvery=2: two evaluations, so each median covers both
      for (const seed of row.perSeed) expect(seed.medianLast20.n).toBe(2)
      expect(row.top1PerSeed).toEqual(row.perSeed.map((seed: { medianLast20: { value: number } }) => seed.medianLast20.value))
    }
    const [s, o] = rows
    expect(paired).toHaveLength(1)
    expect(paired[0].differences).toEqual([o.top1PerSeed[0] - s.top1PerSeed[0], o.top1PerSeed[1] - s.top1PerSeed[1]])
    // two seeds: t_{0.975,1} = 12.706 times sd / sqrt(2)
    const sd = Math.abs(paired[0].differences[0] - paired[0].differences[1]) / Math.SQRT2
    expect(paired[0].high - paired[0].mean).toBeCloseTo((12.7062 * sd) / Math.SQRT2, 3)
    expect(r.stdout).toMatch(/\| Top-1 \(median of the last 20 evaluations\) +\| .*\(n=2\)/)
    expect(r.stdout).toMatch(/\| seed 2 +\|/)
    expect(r.stdout).toMatch(/\| Evaluations per median +\| 2 +\| 2 +\|/)
    expect(r.stdout).toMatch(/\| Paired difference vs S \(95% CI\) +\| reference +\| [-+]\d+\.\d\d \[/)
  })

  it('compare refuses an unknown --stat and a --paired variant it does not run, before training; --help documents them', () => {
    const stat = cli(['compare', '--stat', 'mean'])
    expect(stat.status).toBe(2)
    expect(stat.stderr).toMatch(/--stat: "mean" is not a statistic \(final, best, median20\)/)
    const pairedWith = cli(['compare', '--variants', 'S,O', '--paired', 'U'])
    expect(pairedWith.status).toBe(2)
    expect(pairedWith.stderr).toMatch(/--paired: "U" is not one of the compared variants \(S, O\)/)
    const help = cli(['compare', '--help'])
    expect(help.stdout).toMatch(/--stat median20 +median of the last 20 evaluations/)
    expect(help.stdout).toMatch(/--per-seed/)
    expect(help.stdout).toMatch(/--paired O/)
  })
})
