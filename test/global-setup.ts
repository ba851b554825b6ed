// Once per vitest run, before any test file: rebuild the CLI (out/cli/), so the
// tests that start bin/fixmatch-lab.js run the sources as they are now, never a
// stale build. Cheap (packages stay external): about a tenth of a second.
import { execFileSync } from 'node:child_process'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')

export function setup(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-cli.mjs')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
}
