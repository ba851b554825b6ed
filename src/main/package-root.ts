// The folder of FixMatch Lab's package.json, found by walking up from the
// running file: the same answer from src/ (tests), from out/cli/ (the CLI's
// build) and from the worker bundle's lib/, whose depths differ.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const PACKAGE_NAME = 'fixmatch-lab'
const MAX_LEVELS = 8

export interface PackageRoot {
  dir: string
  version: string
}

let cached: PackageRoot | null | undefined

/** The package's folder and version, or null where no fixmatch-lab package.json is above this file. */
export function packageRoot(): PackageRoot | null {
  if (cached !== undefined) return cached
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < MAX_LEVELS; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === PACKAGE_NAME && pkg.version) return (cached = { dir, version: pkg.version })
    } catch {
      // not here: one folder up
    }
    const parent = path.dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  return (cached = null)
}

/** A path inside the package's folder; throws where the package cannot be found. */
export function inPackage(...parts: string[]): string {
  const root = packageRoot()
  if (!root) throw new Error(`no ${PACKAGE_NAME} package.json found above ${fileURLToPath(import.meta.url)}`)
  return path.join(root.dir, ...parts)
}
