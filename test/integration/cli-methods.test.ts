// `fixmatch-lab compare` with the adaptive-threshold methods, spelled as the registry names them.
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { FIXTURES_DIR } from '../helpers/fixtures.ts'

const BIN = path.resolve(FIXTURES_DIR, '../../bin/fixmatch-lab.js')
const TINY = ['--set', 'steps=4', '--set', 'evalEvery=2', '--set', 'logEvery=2', '--set', 'batchSize=4', '--set', 'evalLimit=100', '--set', 'labelsPerClass=2']

describe('compare with FlexMatch and FreeMatch', () => {
  it('runs O, FlexMatch and FreeMatch of the mnist-quick preset on one split, one row each', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'fml-cli-methods-'))
    const args = ['compare', '--preset', 'mnist-quick', '--variants', 'O,FlexMatch,FreeMatch', '--backend', 'wasm', ...TINY, '--json', '--home', home]
    const out = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000 })
    expect(out.status, out.stderr).toBe(0)
    const { rows } = JSON.parse(out.stdout.trim().split('\n').at(-1)!)
    expect(rows.map((row: { variant: string }) => row.variant)).toEqual(['O', 'FlexMatch', 'FreeMatch'])
    for (const row of rows) {
      expect(row.top1Mean).toBeGreaterThanOrEqual(0)
      expect(row.trainSeconds).toBeGreaterThan(0)
    }
    expect(out.stdout).toMatch(/\| Model +\| O +\| FlexMatch +\| FreeMatch +\|/)
  })

  it('names the known methods when one is misspelled', () => {
    const out = spawnSync(process.execPath, [BIN, 'compare', '--variants', 'O,Flexmatch'], { encoding: 'utf8', timeout: 60_000 })
    expect(out.status).toBe(2)
    expect(out.stderr).toMatch(/"Flexmatch" is not a variant \(.*FlexMatch, FreeMatch\)/)
  })
})
