// The Electron binary is downloaded by electron's own install script, which
// npm 11 skips here (allowScripts: so installs work offline). Fetch it on
// first `npm start`, or explain plainly what is missing and what still works.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)

export function electronBinary() {
  const dir = path.dirname(require.resolve('electron/package.json'))
  const pathFile = path.join(dir, 'path.txt')
  if (!existsSync(pathFile)) return undefined
  const binary = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : undefined
}

export function ensureElectron() {
  if (electronBinary()) return true
  const dir = path.dirname(require.resolve('electron/package.json'))
  console.error('FixMatch Lab: the Electron binary is not installed yet; downloading it now (about 100 MB)...')
  const result = spawnSync(process.execPath, [path.join(dir, 'install.js')], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] })
  if (result.status === 0 && electronBinary()) return true
  const reason =
    (result.stderr ?? '')
      .split('\n')
      .find((line) => /error/i.test(line))
      ?.trim() ?? `exit ${result.status}`
  console.error(
    [
      '',
      `FixMatch Lab: the Electron binary could not be downloaded (${reason}).`,
      'The desktop window needs it; everything else works without it:',
      '  npx fixmatch-lab serve          the same workbench in your browser (prints a URL with a token)',
      '  npx fixmatch-lab compare ...    training from the terminal',
      'To get the window later, on a machine with network access run:  node node_modules/electron/install.js',
      'or set ELECTRON_MIRROR to a reachable mirror and run `npm start` again.'
    ].join('\n')
  )
  return false
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  process.exitCode = ensureElectron() ? 0 : 1
}
