// The CLI build's record of what it was built from (out/cli/build-inputs.json),
// and the check bin/fixmatch-lab.js runs at every start: is the build there, and
// is every source it was built from unchanged since? Plain Node with no
// dependencies, so the check costs a few hundred stat calls, not a bundler.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const CLI_OUT_DIR = path.join(ROOT, 'out', 'cli')
export const CLI_ENTRY_FILE = path.join(CLI_OUT_DIR, 'cli.js')
const MANIFEST = path.join(CLI_OUT_DIR, 'build-inputs.json')
export const BUILD_COMMAND = 'npm run build:cli'

/** Modification time of a file, or undefined when it is gone. */
function mtimeOf(file) {
  try {
    return fs.statSync(file).mtimeMs
  } catch {
    return undefined
  }
}

/**
 * Records each input's mtime as it is now. An input changed after `startedMs`
 * (while esbuild was reading it) is recorded as 0, so the next check calls the
 * build stale rather than trusting what may be the older text.
 * @param {string[]} inputs paths relative to ROOT
 * @param {number} startedMs Date.now() before the build began
 */
export function writeManifest(inputs, startedMs) {
  const files = {}
  for (const input of inputs) {
    const mtime = mtimeOf(path.join(ROOT, input))
    files[input] = mtime === undefined || mtime > startedMs ? 0 : mtime
  }
  fs.writeFileSync(MANIFEST, JSON.stringify({ files }, null, 1) + '\n')
}

/**
 * Why the build cannot be used (missing, or a source changed since), or
 * undefined when it is current. Where the sources are not shipped at all (no
 * src/ folder), the build is all there is and is taken as it is.
 * @returns {string | undefined}
 */
export function buildProblem() {
  if (!fs.existsSync(CLI_ENTRY_FILE)) return `the CLI is not built (${path.relative(ROOT, CLI_ENTRY_FILE)} is missing)`
  if (!fs.existsSync(path.join(ROOT, 'src'))) return undefined
  let files
  try {
    files = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')).files
  } catch {
    return `the CLI build has no readable ${path.relative(ROOT, MANIFEST)}`
  }
  for (const [input, mtime] of Object.entries(files)) {
    const now = mtimeOf(path.join(ROOT, input))
    if (now === undefined) return `the CLI build is out of date: ${input} was removed since`
    if (now !== mtime) return `the CLI build is out of date: ${input} changed since`
  }
  return undefined
}
