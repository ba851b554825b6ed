// The webgpu backend through the CLI: conformance's --skip-if-unavailable (how
// `npm test` runs the fixtures on webgpu), with no Vulkan driver (an ICD list
// that does not exist) and with the one this machine has.
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { FIXTURES_DIR } from '../helpers/fixtures.ts'
import { webGpuAvailability } from '../helpers/webgpu.ts'
import { listWebGpuAdapters } from '../../src/main/trainer/webgpu.ts'

const BIN = path.resolve(FIXTURES_DIR, '../../bin/fixmatch-lab.js')
const gpu = await webGpuAvailability()

function cli(args: string[], env: Record<string, string> = {}) {
  const clean = { ...process.env }
  delete clean.FIXMATCH_REQUIRE_WEBGPU
  const out = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 600_000, env: { ...clean, ...env } })
  return { status: out.status, stdout: out.stdout, stderr: out.stderr }
}

const NO_DRIVER = { VK_ICD_FILENAMES: '/nonexistent/vulkan-icd.json' }

describe('conformance --backend webgpu', () => {
  it('without a Vulkan driver: skipped with the reason, or a failure when FIXMATCH_REQUIRE_WEBGPU=1', () => {
    const skipped = cli(['conformance', '--fixtures', FIXTURES_DIR, '--backend', 'webgpu', '--skip-if-unavailable'], NO_DRIVER)
    expect(skipped.status).toBe(0)
    expect(skipped.stdout).toMatch(/conformance on webgpu: skipped, .*no WebGPU adapter.*libvulkan1/)
    const required = cli(['conformance', '--fixtures', FIXTURES_DIR, '--backend', 'webgpu', '--skip-if-unavailable'], {
      ...NO_DRIVER,
      FIXMATCH_REQUIRE_WEBGPU: '1'
    })
    expect(required.status).toBe(1)
    expect(required.stderr).toMatch(/FAILED, FIXMATCH_REQUIRE_WEBGPU=1/)
    // without the flag an unavailable backend is an error as before
    expect(cli(['conformance', '--fixtures', FIXTURES_DIR, '--backend', 'webgpu'], NO_DRIVER).status).not.toBe(0)
  })

  it.skipIf(!gpu.available)('bench train-step reports the adapter with the figures, a software one as such', () => {
    const r = cli([
      'bench',
      'train-step',
      '--backend',
      'webgpu',
      '--model',
      'small-cnn',
      '--input',
      'mnist',
      '--batch',
      '4',
      '--steps',
      '2',
      '--warmup',
      '1',
      '--json'
    ])
    expect(r.status).toBe(0)
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!)
    expect(result.backend).toBe('webgpu')
    expect(result.adapter.limits.maxStorageBufferBindingSize).toBeGreaterThan(0)
    expect(typeof result.adapter.vendor).toBe('string')
    expect(result.numTensorsAfter).toBe(result.numTensorsBefore)
    if (result.adapter.software) expect(r.stderr).toMatch(/adapter: WebGPU SOFTWARE adapter .*a software device/)
  })

  it.skipIf(!gpu.available)('auto never picks a software adapter, and takes a hardware one before the CPU backends', async () => {
    const { adapters } = await listWebGpuAdapters()
    const hardware = adapters.some((a) => !a.software)
    const r = cli(['bench', 'train-step', '--model', 'small-cnn', '--input', 'mnist', '--batch', '2', '--steps', '1', '--warmup', '0', '--json'])
    expect(r.status).toBe(0)
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!)
    if (!hardware) expect(result.backend).not.toBe('webgpu')
    else expect(['node-gpu', 'webgpu']).toContain(result.backend)
    if (result.backend === 'webgpu') expect(result.adapter.software).toBe(false)
  })
})
