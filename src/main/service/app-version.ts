// The app's version for run records: from package.json, found by walking up
// from this file (sources and the bundled app alike); Electron passes its own.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

let cached: string | undefined

export function appVersion(): string {
  if (cached) return cached
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'fixmatch-lab' && pkg.version) return (cached = pkg.version)
    } catch {
      // not here: one folder up
    }
    const parent = path.dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  return (cached = 'unknown')
}
