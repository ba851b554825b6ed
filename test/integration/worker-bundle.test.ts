// `npm run bundle:worker`: the archive, unpacked into an empty folder, runs
// with no node on PATH (only the Node binary inside it): doctor, a short
// bench on wasm (and on webgpu where an adapter exists), and `worker`
// training a queued run through the bundled trainer and prepare-worker entries.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tar from 'tar'
import { beforeAll, describe, expect, it } from 'vitest'
import { tinyConfig } from './service-helpers.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fml-worker-bundle-'))
/** PATH for the bundle: an empty folder, so neither node nor any other tool is found through it. */
const emptyBin = path.join(work, 'bin')
const home = path.join(work, 'home')
let top = ''
let archiveBytes = 0

function bundled(args: string[], extraEnv: Record<string, string> = {}) {
  const out = spawnSync(path.join(top, 'fixmatch-lab'), args, {
    cwd: top,
    env: { PATH: emptyBin, HOME: home, ...extraEnv },
    encoding: 'utf8',
    timeout: 240_000
  })
  return { status: out.status, stdout: out.stdout, stderr: out.stderr, lastJson: () => JSON.parse(out.stdout.trim().split('\n').at(-1)!) }
}

/** The bundle is built for Linux only (scripts/bundle-worker.mjs refuses elsewhere). */
const linux = process.platform === 'linux'

beforeAll(async () => {
  if (!linux) return
  fs.mkdirSync(emptyBin)
  fs.mkdirSync(home)
  const archive = path.join(work, 'bundle.tar.gz')
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'bundle-worker.mjs'), '--out', archive], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000
  })
  expect(built.status, built.stderr).toBe(0)
  archiveBytes = fs.statSync(archive).size
  const unpacked = path.join(work, 'unpacked')
  fs.mkdirSync(unpacked)
  await tar.x({ file: archive, cwd: unpacked })
  const [folder] = fs.readdirSync(unpacked)
  top = path.join(unpacked, folder)
}, 300_000)

describe.skipIf(!linux)('the worker bundle', () => {
  it('is at most 60 MB, with the launcher at its top and node nowhere on the PATH it runs with', () => {
    expect(archiveBytes).toBeLessThanOrEqual(60 * 1000 * 1000)
    expect(path.basename(top)).toMatch(/^fixmatch-lab-worker-\d+\.\d+\.\d+-linux-(x64|arm64)$/)
    expect(fs.statSync(path.join(top, 'fixmatch-lab')).mode & 0o111).not.toBe(0)
    const which = spawnSync('node', ['--version'], { env: { PATH: emptyBin } })
    expect((which.error as NodeJS.ErrnoException | undefined)?.code).toBe('ENOENT')
    // only this platform's dawn.node travels
    expect(fs.readdirSync(path.join(top, 'lib', 'node_modules', 'webgpu', 'dist'))).toEqual([`linux-${process.arch}`])
  })

  it('doctor runs from it: backend, WebGPU probe answered, glibc / libstdc++ / Vulkan checked, the bundled wasm counted', () => {
    const r = bundled(['doctor', '--json'])
    expect(r.status, r.stderr).toBe(0)
    const report = r.lastJson()
    expect(['node-gpu', 'webgpu', 'node', 'wasm', 'cpu']).toContain(report.backend)
    expect(report.packages['@tensorflow/tfjs-backend-wasm']).toBe(true)
    expect(report.webgpu.probe.status).toBe('answered')
    expect(report.webgpu.runtime).toMatchObject({ glibcOk: true, glibcxxOk: true })
    // where the system has a Vulkan loader, the launcher leaves it in charge
    if (fs.existsSync('/usr/lib/x86_64-linux-gnu/libvulkan.so.1')) expect(report.webgpu.runtime.vulkanLoaderBundled).toBe(false)
    expect(report.advice.join('\n')).not.toMatch(/glibc 2.34 or newer|GLIBCXX_3.4.30 \(GCC 12/)
  })

  it('FIXMATCH_LAB_BUNDLED_VULKAN=1 makes dawn use the loader inside the bundle, and it finds the same adapters', () => {
    if (!fs.existsSync(path.join(top, 'lib', 'vulkan', 'libvulkan.so.1'))) {
      // the build copies the build machine's loader; without libvulkan1 there it cannot
      if (process.env.FIXMATCH_REQUIRE_WEBGPU === '1')
        throw new Error('FIXMATCH_REQUIRE_WEBGPU=1 but the bundle has no Vulkan loader (install libvulkan1 where it is built)')
      console.warn('skipping the bundled Vulkan loader check: this machine has no libvulkan.so.1 to ship')
      return
    }
    const system = bundled(['doctor', '--json']).lastJson()
    const own = bundled(['doctor', '--json'], { FIXMATCH_LAB_BUNDLED_VULKAN: '1' })
    expect(own.status, own.stderr).toBe(0)
    const report = own.lastJson()
    expect(report.webgpu.runtime).toMatchObject({ vulkanLoader: path.join(fs.realpathSync(top), 'lib', 'vulkan', 'libvulkan.so.1'), vulkanLoaderBundled: true })
    expect(report.webgpu.probe.adapters.map((a: { description: string }) => a.description)).toEqual(
      system.webgpu.probe.adapters.map((a: { description: string }) => a.description)
    )
  })

  it('bench train-step runs on wasm, and on webgpu where an adapter exists', () => {
    const wasm = bundled([
      'bench',
      'train-step',
      '--backend',
      'wasm',
      '--model',
      'small-cnn',
      '--input',
      'mnist',
      '--batch',
      '4',
      '--steps',
      '1',
      '--warmup',
      '0',
      '--json'
    ])
    expect(wasm.status, wasm.stderr).toBe(0)
    expect(wasm.lastJson()).toMatchObject({ backend: 'wasm', model: 'small-cnn', batch: 4, steps: 1 })
    expect(wasm.lastJson().imagesPerSecond).toBeGreaterThan(0)

    const adapters = bundled(['doctor', '--json']).lastJson().webgpu.probe as { adapters: unknown[]; reason?: string }
    if (adapters.adapters.length === 0) {
      if (process.env.FIXMATCH_REQUIRE_WEBGPU === '1')
        throw new Error(`FIXMATCH_REQUIRE_WEBGPU=1 but the bundle's doctor found no WebGPU adapter: ${adapters.reason}`)
      console.warn(`skipping the bundle's webgpu bench: ${adapters.reason}`)
      return
    }
    const webgpu = bundled([
      'bench',
      'train-step',
      '--backend',
      'webgpu',
      '--model',
      'small-cnn',
      '--input',
      'mnist',
      '--batch',
      '2',
      '--steps',
      '1',
      '--warmup',
      '0',
      '--json'
    ])
    expect(webgpu.status, webgpu.stderr).toBe(0)
    expect(webgpu.lastJson()).toMatchObject({ backend: 'webgpu', tfjsBackend: 'webgpu' })
    expect(webgpu.lastJson().adapter.description).toBeTruthy()
    expect(webgpu.lastJson().numTensorsAfter).toBe(webgpu.lastJson().numTensorsBefore)
  }, 240_000)

  it('worker trains a queued run through the bundled trainer process and prepare-worker (augmentWorkers 1, the default)', () => {
    const runHome = path.join(work, 'lab')
    const sets = Object.entries(tinyConfig({ augmentWorkers: 1 })).flatMap(([key, value]) => (key === 'datasetPath' ? [] : ['--set', `${key}=${value}`]))
    const added = bundled(['queue', 'add', '--home', runHome, ...sets])
    expect(added.status, added.stderr).toBe(0)
    const worked = bundled(['worker', '--once', '--quiet', '--home', runHome])
    expect(worked.status, worked.stderr).toBe(0)
    expect(worked.stderr).toMatch(/worker done: 1 finished/)
    const [run] = JSON.parse(bundled(['runs', '--json', '--home', runHome]).stdout) as {
      status: string
      step: number
      backend: string
      config: { augmentWorkers: number }
      summary: Record<string, unknown>
    }[]
    expect(run).toMatchObject({ status: 'finished', step: 8, backend: 'wasm' })
    expect(run.summary['eval/top1']).toBeDefined()
  }, 240_000)
})
