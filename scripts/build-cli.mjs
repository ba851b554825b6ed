// `npm run build:cli` (and npm's "prepare", and the tests' global setup): the
// CLI and the two entries it starts by file name (the trainer process, the
// batch-preparation worker) compiled by esbuild into out/cli/, next to each
// other as node-launcher.ts trainerEntry() and prefetch.ts workerScript()
// expect. Packages stay in node_modules (imported at run time, as before), so
// this build takes well under a second; scripts/bundle-worker.mjs builds the
// same entries with the packages compiled in.
//
// Usage: node scripts/build-cli.mjs
import { build } from 'esbuild'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CLI_OUT_DIR, ROOT, writeManifest } from './cli-build-manifest.mjs'

const CLI_ENTRY = 'fixmatch-lab:cli-entry'

/** A module that runs the CLI: lib/cli.js (the worker bundle) and out/cli/cli.js are executed, not imported for an export. */
export const cliEntryPlugin = {
  name: 'cli-entry',
  setup(b) {
    b.onResolve({ filter: /^fixmatch-lab:cli-entry$/ }, () => ({ path: CLI_ENTRY, namespace: 'cli-entry' }))
    b.onLoad({ filter: /.*/, namespace: 'cli-entry' }, () => ({
      contents: `import { main } from ${JSON.stringify(path.join(ROOT, 'src/cli/main.ts'))}\nprocess.exitCode = await main(process.argv.slice(2))\n`,
      resolveDir: ROOT,
      loader: 'ts'
    }))
  }
}

/** The options both builds share: the three entries, one ESM build with shared chunks for Node. */
export const cliBuildOptions = {
  entryPoints: [
    { in: CLI_ENTRY, out: 'cli' },
    { in: path.join(ROOT, 'src/main/trainer/process.ts'), out: 'trainer-process' },
    { in: path.join(ROOT, 'src/main/trainer/data/prepare-worker.ts'), out: 'prepare-worker' }
  ],
  plugins: [cliEntryPlugin],
  // the metafile names inputs relative to this folder, whatever the caller's cwd
  absWorkingDir: ROOT,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning'
}

/**
 * Builds out/cli/. Files are written beside the old ones and renamed into place,
 * so a CLI or trainer starting meanwhile reads either the old file or the new one,
 * never half of one; outputs of an older build that this one does not produce are removed.
 */
export async function buildCli() {
  const startedMs = Date.now()
  const result = await build({
    ...cliBuildOptions,
    outdir: CLI_OUT_DIR,
    // better-sqlite3, @tensorflow/*, webgpu, electron, ...: loaded from node_modules at run time
    packages: 'external',
    write: false,
    metafile: true
  })
  fs.mkdirSync(CLI_OUT_DIR, { recursive: true })
  const written = new Set()
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.${process.pid}.tmp`
    fs.writeFileSync(temporary, file.contents)
    fs.renameSync(temporary, file.path)
    written.add(path.basename(file.path))
  }
  for (const name of fs.readdirSync(CLI_OUT_DIR)) {
    if (name.endsWith('.js') && !written.has(name)) fs.rmSync(path.join(CLI_OUT_DIR, name), { force: true })
  }
  // the build's own inputs, plus the build script: new options make an old build stale too
  const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('cli-entry:'))
  inputs.push(path.relative(ROOT, fileURLToPath(import.meta.url)))
  writeManifest(inputs, startedMs)
  return { files: written.size, inputs: inputs.length, ms: Date.now() - startedMs }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files, inputs, ms } = await buildCli()
  console.log(`build:cli: ${files} files in ${path.relative(ROOT, CLI_OUT_DIR)}/ from ${inputs} sources (${ms} ms)`)
}
