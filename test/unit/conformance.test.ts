// The conformance runner on folders other than the shipped one.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../src/main/trainer/backend.ts'
import { fixtureFiles, formatCase, runCase } from '../../src/main/conformance/runner.ts'
import { FIXTURES_DIR } from '../helpers/fixtures.ts'

const BIN = path.resolve(FIXTURES_DIR, '../../bin/fixmatch-lab.js')

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'fml-conformance-'))
}

function writeFixture(dir: string, file: string, fixture: object): string {
  const target = path.join(dir, file)
  writeFileSync(target, JSON.stringify(fixture))
  return target
}

beforeAll(async () => {
  await initBackend('cpu')
})

describe('conformance runner', () => {
  it('reads only *.json files, sorted', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'README.md'), '# notes')
    writeFileSync(path.join(dir, 'b.json'), '{}')
    writeFileSync(path.join(dir, 'a.json'), '{}')
    expect(fixtureFiles(dir).map((f) => path.basename(f))).toEqual(['a.json', 'b.json'])
  })

  it('an unknown kind fails and names the known kinds', async () => {
    const dir = tempDir()
    const file = writeFixture(dir, 'x.json', { name: 'mystery', kind: 'mystery_op', params: {}, inputs: {}, expected: {}, tolerance: {} })
    const result = await runCase(file)
    expect(result.pass).toBe(false)
    expect(result.error).toMatch(/unknown kind "mystery_op".*cross_entropy/)
    expect(formatCase(result)).toMatch(/^FAIL/)
  })

  it('a file that is not JSON, or whose data does not fit its shape, fails with the reason', async () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'broken.json'), '{ not json')
    expect((await runCase(path.join(dir, 'broken.json'))).error).toMatch(/not valid JSON/)
    const file = writeFixture(dir, 'shape.json', {
      name: 's',
      kind: 'ema',
      params: { decay: 0.9 },
      inputs: { ema: { shape: [3], dtype: 'float32', data: [1, 2] } },
      expected: {},
      tolerance: {}
    })
    expect((await runCase(file)).error).toMatch(/2 values for shape \[3\]/)
  })

  it('handles other shapes and magnitudes in the same format', async () => {
    const dir = tempDir()
    // cross-entropy on a 3x4 batch, the expected values worked out by hand
    const logits = [0, 0, 0, 0, 1, 2, 3, 4, -1, 0, 1, 0]
    const labels = [0, 3, 2]
    const rowLoss = (row: number[], label: number) => Math.log(row.reduce((a, v) => a + Math.exp(v), 0)) - row[label]
    const rows = [logits.slice(0, 4), logits.slice(4, 8), logits.slice(8, 12)]
    const loss = rows.reduce((a, row, i) => a + rowLoss(row, labels[i]), 0) / 3
    const grad = rows.flatMap((row, i) => {
      const z = row.reduce((a, v) => a + Math.exp(v), 0)
      return row.map((v, j) => (Math.exp(v) / z - (j === labels[i] ? 1 : 0)) / 3)
    })
    const file = writeFixture(dir, 'ce.json', {
      name: 'ce_3x4',
      kind: 'cross_entropy',
      params: {},
      inputs: { logits: { shape: [3, 4], dtype: 'float32', data: logits }, labels: { shape: [3], dtype: 'int32', data: labels } },
      expected: { loss: { shape: [], dtype: 'float32', data: [loss] }, grad_logits: { shape: [3, 4], dtype: 'float32', data: grad } },
      tolerance: { atol: 1e-5, rtol: 1e-4 }
    })
    expect((await runCase(file)).pass).toBe(true)
    // and the same case with a wrong expectation fails
    const wrong = writeFixture(dir, 'ce-wrong.json', {
      ...JSON.parse(readFileSync(file, 'utf8')),
      expected: { loss: { shape: [], dtype: 'float32', data: [loss + 0.01] }, grad_logits: { shape: [3, 4], dtype: 'float32', data: grad } }
    })
    const result = await runCase(wrong)
    expect(result.pass).toBe(false)
    expect(result.checks.find((c) => c.name === 'loss')!.worstRatio).toBeGreaterThan(1)
  })

  it('the CLI prints one line per case, closes with "N passed, M failed", and exits 1 on a failure', () => {
    const dir = tempDir()
    copyFileSync(path.join(FIXTURES_DIR, 'ema.json'), path.join(dir, 'ema.json'))
    copyFileSync(path.join(FIXTURES_DIR, 'lr_half_cosine.json'), path.join(dir, 'lr_half_cosine.json'))
    writeFixture(dir, 'zz_unknown.json', { name: 'zz', kind: 'nope', params: {}, inputs: {}, expected: {}, tolerance: {} })
    const out = spawnSync(process.execPath, [BIN, 'conformance', '--fixtures', dir, '--backend', 'cpu'], { encoding: 'utf8' })
    const lines = out.stdout.trim().split('\n')
    expect(lines.at(-1)).toBe('2 passed, 1 failed')
    expect(lines.filter((l) => /^(pass|FAIL) /.test(l))).toHaveLength(3)
    expect(out.status).toBe(1)
  })
})
