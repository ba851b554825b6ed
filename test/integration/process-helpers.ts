// For the tests that start real processes (the CLI, a trainer's parent) and
// signal or kill them: whether a pid still runs, its children, the newest
// checkpoint on disk, and a CLI process in a process group of its own (so a
// test's "Ctrl-C" reaches it and its trainer, as a terminal's would).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach } from 'vitest'

export const REPO = path.resolve(import.meta.dirname, '../..')
const CLI = path.join(REPO, 'bin/fixmatch-lab.js')

const started: ChildProcess[] = []
const pidsToEnd = new Set<number>()

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  for (const pid of pidsToEnd) if (isRunning(pid)) process.kill(pid, 'SIGKILL')
  pidsToEnd.clear()
})

/** Ends this pid after the test if it still runs (a trainer the test expects to have gone). */
export function endAfterTest(pid: number): void {
  pidsToEnd.add(pid)
}

/** Runs and is not a zombie (an orphan nobody reaps still answers kill(pid, 0)). Linux: reads /proc. */
export function isRunning(pid: number): boolean {
  let stat: string
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return false
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
  return state !== 'Z' && state !== 'X'
}

/** The pids whose parent is `pid`. */
export function childPids(pid: number): number[] {
  const out: number[] = []
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[1]) === pid) out.push(Number(name))
    } catch {
      // gone meanwhile
    }
  }
  return out
}

/** A pid that ran and has exited (for stale locks). */
export function deadPid(): number {
  const done = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(done.stdout)
}

/** The highest step among the checkpoint files in a run's folder, or -1. */
export function newestCheckpointOnDisk(dir: string): number {
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return -1
  }
  return Math.max(
    -1,
    ...names
      .map((name) => /^step-(\d+)\.ckpt$/.exec(name))
      .filter((m) => m !== null)
      .map((m) => Number(m![1]))
  )
}

export interface CliProcess {
  child: ChildProcess
  stdout(): string
  stderr(): string
  /** resolves once it has exited: its code, or the signal that ended it */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Ctrl-C in a terminal: SIGINT to the whole process group */
  ctrlC(): void
}

/** `fixmatch-lab ...` in a process group of its own. */
export function startCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  started.push(child)
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal }))
  )
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    ctrlC: () => process.kill(-child.pid!, 'SIGINT')
  }
}

/** Waits for a condition, polling every 20 ms. */
export async function until<T>(check: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** The promise's value, or a rejection naming `what` if it takes longer than timeoutMs. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs)))
    ])
  } finally {
    clearTimeout(timer)
  }
}
