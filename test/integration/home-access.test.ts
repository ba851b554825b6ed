// The CLI in homes it cannot write, on real file systems: a read-only mount
// and a full disk (a private mount namespace: `unshare -rm`, so no mount
// outlives the test), and another user's home (as root: `setpriv` to nobody).
// Root ignores file modes, so chmod alone would not exercise these paths.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { openStore, storePaths } from '../../src/main/store/index.ts'
import { tempHome } from './service-helpers.ts'

const BIN = path.resolve('bin/fixmatch-lab.js')
const linux = process.platform === 'linux'
const canUnshare = linux && spawnSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs tmpfs "$0"', os.tmpdir()]).status === 0
const canBecomeNobody = linux && process.getuid?.() === 0 && spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']).status === 0
if (!canUnshare) console.warn('home-access: skipping the read-only and full-disk cases: cannot make a private mount namespace (unshare -rm)')
if (!canBecomeNobody) console.warn('home-access: skipping the other-user cases: they need root and setpriv')

interface Result {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs `sh -c script` in a private mount namespace; $0 is the CLI, $1 the home. */
function inNamespace(home: string, script: string): Result {
  const out = spawnSync('unshare', ['-rm', 'sh', '-c', script, BIN, home], { encoding: 'utf8', timeout: 120_000 })
  return { status: out.status, stdout: out.stdout, stderr: out.stderr }
}

function asNobody(args: string[]): Result {
  const out = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args], { encoding: 'utf8', timeout: 120_000 })
  return { status: out.status, stdout: out.stdout, stderr: out.stderr }
}

/** A home with one run that has a metric. */
function recordedHome(): { home: string; runId: number } {
  const home = tempHome()
  const store = openStore(home)
  const run = store.queue.enqueue({ config: { variant: 'O', seed: 3 } })
  store.metrics.appendStep(run.id, 2, { loss: 1.25 })
  store.close()
  return { home, runId: run.id }
}

const snapshots = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('fixmatch-lab-read-')).length

describe.runIf(canUnshare)('a home on a read-only file system', () => {
  const readOnly = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && touch "$1/probe" 2>/dev/null && exit 9; '

  it('runs, queue list and export read it; a change is refused naming the read-only file system', () => {
    const { home, runId } = recordedHome()
    const before = snapshots()
    const runs = inNamespace(home, `${readOnly} exec node "$0" runs --json --home "$1"`)
    expect(runs.stderr).toBe('')
    expect(runs.status).toBe(0)
    expect((JSON.parse(runs.stdout) as { id: number }[]).map((r) => r.id)).toEqual([runId])
    const queue = inNamespace(home, `${readOnly} exec node "$0" queue list --json --home "$1"`)
    expect(queue.status).toBe(0)
    expect((JSON.parse(queue.stdout) as { id: number }[]).map((r) => r.id)).toEqual([runId])
    const csv = inNamespace(home, `${readOnly} exec node "$0" export ${runId} --format csv --home "$1"`)
    expect(csv.status).toBe(0)
    expect(csv.stdout).toMatch(/^step,name,value,wall_time\n2,loss,1\.25,/)
    expect(snapshots()).toBe(before) // the private copies were removed

    const add = inNamespace(home, `${readOnly} exec node "$0" queue add --preset mnist-quick --variants O --seeds 1 --home "$1"`)
    expect(add.status).toBe(1)
    expect(add.stderr).toContain(home)
    expect(add.stderr).toMatch(/read-only file system\. Commands that only read \(runs, export, queue list\) still work/)
    expect(add.stderr).not.toMatch(/EROFS|unable to open database/)
  })
})

describe.runIf(canUnshare)('a home on a full disk', () => {
  it('a command that writes says the disk is full and leaves no empty lock behind', () => {
    const home = tempHome()
    const script =
      'mount -t tmpfs -o size=64k tmpfs "$1" && dd if=/dev/zero of="$1/filler" bs=4k count=64 2>/dev/null; ' +
      'node "$0" queue add --preset mnist-quick --variants O --seeds 1 --home "$1"; echo "rc=$?"; ls -A "$1"'
    const out = inNamespace(home, script)
    expect(out.stdout).toContain('rc=1')
    expect(out.stderr).toContain(storePaths(home).lock)
    expect(out.stderr).toMatch(/the disk \(or your quota\) is full\. Free some space/)
    expect(out.stderr).not.toMatch(/ENOSPC/)
    expect(out.stdout.split('\n')).not.toContain('runs.sqlite.lock')
  })
})

describe.runIf(canBecomeNobody)("another user's home", () => {
  it('shared for reading (0755, files 0644): runs and export work without write access', () => {
    const { home, runId } = recordedHome()
    fs.chmodSync(home, 0o755)
    fs.chmodSync(storePaths(home).file, 0o644)
    const runs = asNobody(['runs', '--json', '--home', home])
    expect(runs.stderr).toBe('')
    expect((JSON.parse(runs.stdout) as { id: number }[]).map((r) => r.id)).toEqual([runId])
    const json = asNobody(['export', String(runId), '--home', home])
    expect(json.status).toBe(0)
    expect(JSON.parse(json.stdout).sourceRunId).toBe(runId)
  })

  it('private (0700, as the store leaves it): refused naming the permission, not "no runs recorded"', () => {
    const { home } = recordedHome()
    expect(fs.statSync(home).mode & 0o777).toBe(0o700)
    const runs = asNobody(['runs', '--home', home])
    expect(runs.status).toBe(1)
    expect(runs.stderr).toContain(storePaths(home).file)
    expect(runs.stderr).toMatch(/permission denied for this user \(uid 65534\).*read access/)
    expect(runs.stdout).not.toMatch(/no runs recorded/)
  })
})
