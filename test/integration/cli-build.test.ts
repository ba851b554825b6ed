// The CLI runs from its build (out/cli/), not through tsx: in a copy of the
// package whose node_modules holds only what `npm ci --omit=dev` installs (no
// tsx, no esbuild), `worker` trains a queued run, so the CLI, the trainer it
// forks and the prepare worker (the presets' augmentWorkers: 1) all start from
// built JS. A build older than the sources, or none, is refused with the command.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO } from './process-helpers.ts'

const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'fml-cli-build-'))
const home = path.join(copy, 'home')
const nodeModules = path.join(copy, 'node_modules')

/** The top-level packages `npm ci` installs, and which of them are there only for development. */
function lockedPackages(): { name: string; dev: boolean }[] {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> }
  return Object.entries(lock.packages)
    .filter(([key]) => /^node_modules\/(@[^/]+\/)?[^/@]+$/.test(key))
    .map(([key, entry]) => ({ name: key.slice('node_modules/'.length), dev: entry.dev === true }))
    .filter(({ name }) => fs.existsSync(path.join(REPO, 'node_modules', name)))
}

function linkPackage(name: string): void {
  fs.mkdirSync(path.dirname(path.join(nodeModules, name)), { recursive: true })
  fs.symlinkSync(path.join(REPO, 'node_modules', name), path.join(nodeModules, name))
}

function node(args: string[]) {
  const out = spawnSync(process.execPath, args, { cwd: copy, encoding: 'utf8', timeout: 240_000 })
  return { status: out.status, stdout: out.stdout, stderr: out.stderr }
}

const bin = (args: string[]) => node([path.join(copy, 'bin', 'fixmatch-lab.js'), ...args])

beforeAll(() => {
  for (const part of ['package.json', 'bin', 'scripts', 'src', 'generated', 'bench'])
    fs.cpSync(path.join(REPO, part), path.join(copy, part), { recursive: true })
  // build with every package present (esbuild is a devDependency), then take the dev ones away
  const packages = lockedPackages()
  for (const { name } of packages) linkPackage(name)
  const built = node([path.join(copy, 'scripts', 'build-cli.mjs')])
  expect(built.status, built.stderr).toBe(0)
  for (const { name } of packages.filter((p) => p.dev)) fs.unlinkSync(path.join(nodeModules, name))
  expect(fs.existsSync(path.join(nodeModules, 'tsx'))).toBe(false)
  expect(fs.existsSync(path.join(nodeModules, 'esbuild'))).toBe(false)
}, 120_000)

afterAll(() => fs.rmSync(copy, { recursive: true, force: true }))

describe('the CLI from its build', () => {
  it('trains a queued run with only the runtime dependencies installed: CLI, trainer and prepare worker are built JS', () => {
    const tiny = [
      '--set',
      'steps=4',
      '--set',
      'evalEvery=4',
      '--set',
      'logEvery=2',
      '--set',
      'batchSize=4',
      '--set',
      'evalLimit=100',
      '--set',
      'labelsPerClass=2',
      '--set',
      'backend=wasm'
    ]
    const queued = bin(['queue', 'add', '--preset', 'mnist-quick', ...tiny, '--home', home])
    expect(queued.status, queued.stderr).toBe(0)
    const worked = bin(['worker', '--home', home])
    expect(worked.status, worked.stderr).toBe(0)
    expect(worked.stdout + worked.stderr).toMatch(/worker done: 1 finished/)
    const runs = bin(['runs', '--json', '--home', home])
    expect(runs.status, runs.stderr).toBe(0)
    const [run] = JSON.parse(runs.stdout.trim().split('\n').at(-1)!) as {
      status: string
      step: number
      appVersion: string
      config: { augmentWorkers: number }
    }[]
    // the preset's own augmentWorkers (1): batches came from a prepare worker thread
    expect(run).toMatchObject({ status: 'finished', step: 4, config: { augmentWorkers: 1 } })
    // package-root.ts finds package.json from out/cli/ as from src/
    expect(run.appVersion).toBe(JSON.parse(fs.readFileSync(path.join(copy, 'package.json'), 'utf8')).version)
  })

  it('refuses a build older than a source it was built from, naming the file and the command', () => {
    const source = path.join(copy, 'src', 'shared', 'format.ts')
    const later = new Date(Date.now() + 5_000)
    fs.utimesSync(source, later, later)
    const stale = bin(['--help'])
    expect(stale.status).toBe(1)
    expect(stale.stderr).toMatch(/the CLI build is out of date: src\/shared\/format\.ts changed since\. Run `npm run build:cli`/)
    // the text did not change: record the new time as a rebuild would, for the other tests
    const manifest = path.join(copy, 'out', 'cli', 'build-inputs.json')
    const recorded = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { files: Record<string, number> }
    recorded.files['src/shared/format.ts'] = fs.statSync(source).mtimeMs
    fs.writeFileSync(manifest, JSON.stringify(recorded))
    expect(bin(['--help']).status).toBe(0)
  })

  it('refuses to start without a build, saying how to make one', () => {
    const entry = path.join(copy, 'out', 'cli', 'cli.js')
    fs.renameSync(entry, `${entry}.away`)
    try {
      const missing = bin(['--help'])
      expect(missing.status).toBe(1)
      expect(missing.stderr).toMatch(/the CLI is not built \(out\/cli\/cli\.js is missing\)\. Run `npm run build:cli`/)
    } finally {
      fs.renameSync(`${entry}.away`, entry)
    }
  })
})
