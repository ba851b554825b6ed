// electron-builder.yml, read through electron-builder's own file matchers: each
// target ships only its own platform's dawn.node (webgpu carries five, about
// 110 MB together), and that one is unpacked from the asar; the service host's
// entry ships too. And the Electron main bundle's import graph: the service,
// SQLite, tar and tfjs live in the service host, never in main.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, onTestFinished } from 'vitest'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const require = createRequire(import.meta.url)
type Filter = (file: string, stat: { isDirectory(): boolean; moduleFullFilePath?: string }) => boolean
const { getNodeModuleFileMatcher, getFileMatchers } = require('app-builder-lib/out/fileMatcher.js') as {
  getNodeModuleFileMatcher(appDir: string, dest: string, expand: (p: string) => string, platformOptions: object, packager: object): { createFilter(): Filter }
  getFileMatchers(config: object, name: string, dest: string, options: object): { createFilter(): Filter }[] | null
}
const { expandMacro } = require('app-builder-lib/out/util/macroExpander.js') as { expandMacro(p: string, arch: string, appInfo: object): string }

const config = parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>
const webgpuDist = path.join(path.dirname(require.resolve('webgpu/package.json')), 'dist')
/** Every file under webgpu/dist, as electron-builder names node_modules files (node_modules/webgpu/dist/...). */
const dawnFiles = fs
  .readdirSync(webgpuDist)
  .flatMap((folder) => fs.readdirSync(path.join(webgpuDist, folder)).map((file) => `node_modules/webgpu/dist/${folder}/${file}`))

function asStat(rel: string) {
  return { isDirectory: () => false, moduleFullFilePath: rel }
}

/** The webgpu/dist files electron-builder copies for a target, and those of them it leaves outside the asar. */
function packaged(platform: 'linux' | 'win' | 'mac', arch: string): { shipped: string[]; unpacked: string[] } {
  const expand = (pattern: string) => expandMacro(pattern, arch, { productName: 'FixMatch Lab', sanitizedProductName: 'FixMatch Lab' })
  const platformOptions = (config[platform] ?? {}) as object
  const packager = { config, debugLogger: { isEnabled: false } }
  const copy = getNodeModuleFileMatcher(root, '/app', expand, platformOptions, packager).createFilter()
  const shipped = dawnFiles.filter((rel) => copy(path.join(root, rel), asStat(rel)))
  const unpack = getFileMatchers(config, 'asarUnpack', '/app', {
    macroExpander: expand,
    customBuildOptions: platformOptions,
    globalOutDir: path.join(root, 'dist'),
    defaultSrc: root
  })![0].createFilter()
  return { shipped, unpacked: shipped.filter((rel) => unpack(path.join(root, rel), asStat(rel))) }
}

describe('electron-builder.yml and the webgpu package', () => {
  it('webgpu carries a dawn.node for each platform (what the filters below choose from)', () => {
    expect(dawnFiles).toEqual(
      expect.arrayContaining(['linux-x64', 'linux-arm64', 'darwin-universal', 'win32-x64', 'win32-arm64'].map((d) => `node_modules/webgpu/dist/${d}/dawn.node`))
    )
  })

  it.each([
    ['linux', 'x64', 'linux-x64'],
    ['linux', 'arm64', 'linux-arm64'],
    ['win', 'x64', 'win32-x64'],
    ['win', 'arm64', 'win32-arm64'],
    ['mac', 'universal', 'darwin-universal'],
    ['mac', 'arm64', 'darwin-universal']
  ] as const)('a %s %s build ships only webgpu/dist/%s, unpacked from the asar', (platform, arch, folder) => {
    const { shipped, unpacked } = packaged(platform, arch)
    expect(shipped).toContain(`node_modules/webgpu/dist/${folder}/dawn.node`)
    expect(shipped.every((rel) => rel.startsWith(`node_modules/webgpu/dist/${folder}/`))).toBe(true)
    expect(unpacked).toEqual(shipped)
  })
})

/** The files electron-builder puts in the app (its `files` list), of these. */
function appFiles(candidates: string[]): string[] {
  const expand = (pattern: string) => expandMacro(pattern, 'x64', { productName: 'FixMatch Lab', sanitizedProductName: 'FixMatch Lab' })
  const copy = getFileMatchers(config, 'files', '/app', {
    macroExpander: expand,
    customBuildOptions: config.linux ?? {},
    globalOutDir: path.join(root, 'dist'),
    defaultSrc: root
  })![0].createFilter()
  return candidates.filter((rel) => copy(path.join(root, rel), { isDirectory: () => false }))
}

describe('the service host in the package', () => {
  it('ships out/main/service-host.js beside the main and trainer entries, and unpacks better-sqlite3 (which the host loads)', () => {
    const entries = ['out/main/index.js', 'out/main/service-host.js', 'out/main/trainer-process.js', 'out/preload/index.cjs']
    expect(appFiles([...entries, 'out/main/service-host.js.map'])).toEqual(entries)
    const unpack = getFileMatchers(config, 'asarUnpack', '/app', {
      macroExpander: (p: string) => p,
      customBuildOptions: {},
      globalOutDir: path.join(root, 'dist'),
      defaultSrc: root
    })![0].createFilter()
    const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'
    expect(unpack(path.join(root, addon), asStat(addon))).toBe(true)
  })
})

const BUNDLE_SOURCES = ['src/main', 'src/shared', 'src/preload', 'electron.vite.config.ts']

/** The newest modification time among the files the main bundle is built from. */
function newestSource(): number {
  const walk = (entry: string): number => {
    const stat = fs.statSync(entry)
    if (!stat.isDirectory()) return stat.mtimeMs
    return Math.max(0, ...fs.readdirSync(entry).map((name) => walk(path.join(entry, name))))
  }
  return Math.max(...BUNDLE_SOURCES.map((entry) => walk(path.join(root, entry))))
}

/**
 * out/main as built from the current sources: the build `npm test` makes before
 * vitest when it is newer than every source, else a fresh one in a temporary folder.
 */
function builtMain(): { main: string; remove(): void } {
  const out = path.join(root, 'out/main')
  const index = path.join(out, 'index.js')
  if (fs.existsSync(index) && fs.existsSync(path.join(out, 'service-host.js')) && fs.statSync(index).mtimeMs > newestSource())
    return { main: out, remove: () => {} }
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fml-build-'))
  execFileSync(
    process.execPath,
    [path.join(path.dirname(require.resolve('electron-vite/package.json')), 'bin/electron-vite.js'), 'build', '--outDir', outDir, '--logLevel', 'error'],
    { cwd: root, stdio: 'inherit' }
  )
  return { main: path.join(outDir, 'main'), remove: () => fs.rmSync(outDir, { recursive: true, force: true }) }
}

/** The packages a bundle entry loads, through every chunk it imports (static, dynamic and require). */
function packagesLoadedBy(entry: string): Set<string> {
  const packages = new Set<string>()
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const code = fs.readFileSync(file, 'utf8')
    const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)].map((m) => m[1])
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier))
      else if (!specifier.startsWith('node:')) packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0])
    }
  }
  visit(entry)
  return packages
}

describe('the Electron main bundle', () => {
  const HEAVY = /^(better-sqlite3|tar|@tensorflow\/.*)$/

  it('loads electron and none of better-sqlite3, tar or tfjs: those load in the service host', { timeout: 180_000 }, () => {
    const build = builtMain()
    onTestFinished(build.remove)
    const out = build.main
    const main = packagesLoadedBy(path.join(out, 'index.js'))
    expect(main).toContain('electron')
    expect([...main].filter((name) => HEAVY.test(name))).toEqual([])
    // the same reading finds them where they belong, so the check above can fail
    const host = packagesLoadedBy(path.join(out, 'service-host.js'))
    expect(host).toContain('better-sqlite3')
    expect(host).toContain('tar')
    expect(host).not.toContain('electron')
    expect(packagesLoadedBy(path.join(out, 'trainer-process.js'))).toContain('@tensorflow/tfjs-core')
  })
})
