// Runs every fixture file in a folder through its kind's handler.
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import type { Check } from './compare.ts'
import { loadFixture } from './fixture.ts'
import { kindHandlers } from './kinds/index.ts'
import { currentBackend } from '../trainer/backend.ts'
import { throwIfDeviceFault } from '../trainer/gpu-guard.ts'

export interface CaseResult {
  file: string
  name: string
  kind: string
  pass: boolean
  checks: Check[]
  /** set when the case could not run: unknown kind, bad file, handler error */
  error?: string
  seconds: number
}

export function fixtureFiles(dir: string): string[] {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`fixtures folder not found: ${dir}`)
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f))
}

export async function runCase(file: string): Promise<CaseResult> {
  const started = performance.now()
  const base = { file, name: path.basename(file, '.json'), kind: '?' }
  const done = (r: Omit<CaseResult, 'seconds'>): CaseResult => ({ ...r, seconds: (performance.now() - started) / 1000 })
  try {
    const fixture = loadFixture(file, path.dirname(file))
    base.name = fixture.name
    base.kind = fixture.kind
    const handler = kindHandlers[fixture.kind]
    if (!handler) {
      return done({ ...base, pass: false, checks: [], error: `unknown kind "${fixture.kind}" (known: ${Object.keys(kindHandlers).join(', ')})` })
    }
    const checks = await handler(fixture)
    // a GPU error (an invalid pipeline, out of memory) can leave zeros that happen to compare well
    const backend = currentBackend()
    if (backend) throwIfDeviceFault(backend)
    if (checks.length === 0) return done({ ...base, pass: false, checks, error: 'no expected outputs were compared' })
    return done({ ...base, pass: checks.every((c) => c.pass), checks })
  } catch (err) {
    return done({ ...base, pass: false, checks: [], error: (err as Error).message })
  }
}

/** The check that came closest to (or furthest past) its tolerance. */
export function worstCheck(result: CaseResult): Check | undefined {
  return result.checks.reduce<Check | undefined>((worst, c) => (!worst || c.worstRatio > worst.worstRatio ? c : worst), undefined)
}

export function formatCase(result: CaseResult): string {
  const status = result.pass ? 'pass' : 'FAIL'
  const head = `${status}  ${result.name.padEnd(30)} ${result.kind.padEnd(22)}`
  if (result.error) return `${head} error: ${result.error}`
  const worst = worstCheck(result)!
  const failed = result.checks.filter((c) => !c.pass).map((c) => c.name)
  const detail = worst.detail ? ` (${worst.detail})` : ''
  return (
    `${head} worst ${worst.name}: |err| ${fmt(worst.worstAbs)} = ${fmt(worst.worstRatio)} x tolerance${detail}` +
    (failed.length ? `; failed: ${failed.join(', ')}` : '')
  )
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x)
  return x === 0 ? '0' : Math.abs(x) >= 0.01 && Math.abs(x) < 1000 ? x.toFixed(3) : x.toExponential(2)
}
