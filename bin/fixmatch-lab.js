#!/usr/bin/env node
// Runs the CLI built into out/cli/ (npm's prepare step builds it at `npm ci`).
// A build that is missing or older than the sources is refused with the command
// that fixes it, rather than rebuilt here: a rebuild at start would race with the
// other CLIs and trainers starting from the same files, and needs the bundler,
// a devDependency.
import { BUILD_COMMAND, buildProblem, CLI_ENTRY_FILE } from '../scripts/cli-build-manifest.mjs'
import { pathToFileURL } from 'node:url'

const problem = buildProblem()
if (problem) {
  console.error(`fixmatch-lab: ${problem}. Run \`${BUILD_COMMAND}\` in ${new URL('..', import.meta.url).pathname} (npm ci and the test scripts build it too).`)
  process.exit(1)
}
await import(pathToFileURL(CLI_ENTRY_FILE).href)
