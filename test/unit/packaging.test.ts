// electron-builder.yml, read through electron-builder's own file matchers: each
// target ships only its own platform's dawn.node (webgpu carries five, about
// 110 MB together), and that one is unpacked from the asar.
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
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
  const unpack = getFileMatchers(config, 'asarUnpack', '/app', { macroExpander: expand, customBuildOptions: platformOptions, globalOutDir: path.join(root, 'dist'), defaultSrc: root })![0].createFilter()
  return { shipped, unpacked: shipped.filter((rel) => unpack(path.join(root, rel), asStat(rel))) }
}

describe('electron-builder.yml and the webgpu package', () => {
  it('webgpu carries a dawn.node for each platform (what the filters below choose from)', () => {
    expect(dawnFiles).toEqual(expect.arrayContaining(['linux-x64', 'linux-arm64', 'darwin-universal', 'win32-x64', 'win32-arm64'].map((d) => `node_modules/webgpu/dist/${d}/dawn.node`)))
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
