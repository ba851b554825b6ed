import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { adviceFor, cudaChecks, detectGpu, type DoctorReport } from '../../src/main/doctor.ts'
import {
  dawnRuntimeChecks,
  isSoftwareDriver,
  probeWebGpu,
  versionAtLeast,
  vulkanDriverFiles,
  type DawnRuntimeChecks,
  type WebGpuProbe
} from '../../src/main/doctor-webgpu.ts'
import type { WebGpuAdapter } from '../../src/main/trainer/webgpu.ts'

const base: Omit<DoctorReport, 'advice'> = {
  platform: 'linux',
  cpu: 'test cpu',
  cores: 2,
  memoryGiB: 8,
  packages: { '@tensorflow/tfjs-node-gpu': false, '@tensorflow/tfjs-node': false, '@tensorflow/tfjs-backend-wasm': true },
  gpu: { nvidiaSmi: false, gpus: [] },
  cudaLibraries: []
}

describe('doctor', () => {
  it('finds the CUDA and cuDNN libraries in the given folders', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fml-cuda-'))
    writeFileSync(path.join(dir, 'libcudart.so.11.0'), '')
    writeFileSync(path.join(dir, 'libcudnn.so.8'), '')
    const checks = cudaChecks([dir])
    expect(checks.find((c) => c.name.startsWith('CUDA'))!.foundAt).toBe(path.join(dir, 'libcudart.so.11.0'))
    expect(checks.find((c) => c.name.startsWith('cuDNN'))!.foundAt).toBeDefined()
    expect(checks.find((c) => c.name.startsWith('cuBLAS'))!.foundAt).toBeUndefined()
  })

  it('reads GPUs from nvidia-smi and copes with its absence', async () => {
    expect(await detectGpu(async () => 'NVIDIA A100, 40960 MiB, 535.1\n')).toEqual({ nvidiaSmi: true, gpus: ['NVIDIA A100, 40960 MiB'], driver: '535.1' })
    expect(
      await detectGpu(async () => {
        throw new Error('ENOENT')
      })
    ).toEqual({ nvidiaSmi: false, gpus: [] })
  })

  it("asks nvidia-smi without blocking: the service's event loop turns while it answers", async () => {
    const bin = mkdtempSync(path.join(os.tmpdir(), 'fml-smi-'))
    writeFileSync(path.join(bin, 'nvidia-smi'), '#!/bin/sh\nsleep 1\necho "NVIDIA Slow, 1024 MiB, 550.1"\n', { mode: 0o755 })
    const oldPath = process.env.PATH
    process.env.PATH = `${bin}${path.delimiter}${oldPath}`
    let ticks = 0
    const ticker = setInterval(() => ticks++, 50)
    try {
      const report = await detectGpu()
      expect(report).toEqual({ nvidiaSmi: true, gpus: ['NVIDIA Slow, 1024 MiB'], driver: '550.1' })
      // a synchronous probe would have held every timer for the whole second
      expect(ticks).toBeGreaterThanOrEqual(5)
    } finally {
      clearInterval(ticker)
      process.env.PATH = oldPath
    }
  })

  it('with a GPU but no tfjs-node-gpu and no CUDA, gives the install and library fixes', () => {
    const advice = adviceFor({ ...base, gpu: { nvidiaSmi: true, gpus: ['NVIDIA T4'] }, cudaLibraries: cudaChecks([]) }, 'wasm').join('\n')
    expect(advice).toMatch(/npm install @tensorflow\/tfjs-node-gpu@4.22.0/)
    expect(advice).toMatch(/CUDA 11.2 runtime \(libcudart.so.11.0\)/)
    expect(advice).toMatch(/LD_LIBRARY_PATH/)
  })

  it('says nothing needs doing when the GPU backend is in use', () => {
    expect(adviceFor(base, 'node-gpu')).toEqual(['The GPU is in use: nothing to do.'])
  })
})

const adapter = (over: Partial<WebGpuAdapter> = {}): WebGpuAdapter => ({
  vendor: 'nvidia',
  architecture: 'hopper',
  device: '0x2335',
  description: 'NVIDIA H200',
  driver: 'NVIDIA 570.86',
  software: false,
  found: ['high-performance'],
  limits: {
    maxBufferSize: 2 ** 40,
    maxStorageBufferBindingSize: 2 ** 31,
    maxStorageBuffersPerShaderStage: 16,
    maxComputeWorkgroupStorageSize: 32768,
    maxComputeInvocationsPerWorkgroup: 1024,
    maxComputeWorkgroupsPerDimension: 65535
  },
  ...over
})
const lavapipe = adapter({
  vendor: 'mesa',
  architecture: 'software',
  device: 'llvmpipe',
  description: 'llvmpipe: Mesa 25.0.7',
  driver: 'Mesa 25.0.7',
  software: true,
  found: ['high-performance', 'fallback']
})
const runtimeOk: DawnRuntimeChecks = {
  glibc: '2.36',
  glibcOk: true,
  libstdcxx: '/usr/lib/x86_64-linux-gnu/libstdc++.so.6',
  glibcxxOk: true,
  vulkanLoader: '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
  vulkanLoaderBundled: false,
  vulkanDrivers: ['/usr/share/vulkan/icd.d/nvidia_icd.json']
}
const answered = (adapters: WebGpuAdapter[], reason?: string): WebGpuProbe => ({
  status: 'answered',
  adapters,
  ...(reason ? { reason } : {}),
  dawnMessages: []
})
const noAdapter = answered([], 'Dawn found no WebGPU adapter')
const withWebGpu = (probe: WebGpuProbe, runtime: DawnRuntimeChecks | undefined = runtimeOk, over: Partial<Omit<DoctorReport, 'advice'>> = {}) => ({
  ...base,
  webgpu: { probe, ...(runtime ? { runtime } : {}) },
  ...over
})

describe('doctor on WebGPU (faked adapter lists)', () => {
  it('a hardware adapter in use: nothing to do, and no CPU or CUDA advice', () => {
    expect(
      adviceFor(withWebGpu(answered([adapter()]), runtimeOk, { gpu: { nvidiaSmi: true, gpus: ['NVIDIA H200'] }, cudaLibraries: cudaChecks([]) }), 'webgpu')
    ).toEqual(['The GPU is in use through WebGPU (NVIDIA H200): nothing to do.'])
  })

  it('a hardware adapter while training on wasm: says to use --backend webgpu, not that there is no GPU', () => {
    const advice = adviceFor(withWebGpu(answered([adapter({ vendor: 'amd', description: 'AMD Radeon RX 7900 XTX (RADV NAVI31)' })])), 'wasm').join('\n')
    expect(advice).toMatch(/GPU is reachable through WebGPU \(AMD Radeon RX 7900 XTX \(RADV NAVI31\)\): train on it with `--backend webgpu`/)
    expect(advice).not.toMatch(/No NVIDIA GPU seen/)
  })

  it('only a software adapter: says it is for tests and slower than wasm, and does not offer it as the GPU', () => {
    const advice = adviceFor(withWebGpu(answered([lavapipe]), { ...runtimeOk, vulkanDrivers: ['/usr/share/vulkan/icd.d/lvp_icd.json'] }), 'wasm').join('\n')
    expect(advice).toMatch(/Only a software WebGPU adapter was found \(llvmpipe: Mesa 25.0.7\): right for tests, slower than wasm, so auto does not pick it/)
    expect(advice).toMatch(/No hardware Vulkan driver is registered: install your GPU vendor's Vulkan driver/)
    expect(advice).not.toMatch(/reachable through WebGPU/)
  })

  it('Linux without a Vulkan loader: names libvulkan1 / vulkan-loader', () => {
    const advice = adviceFor(withWebGpu(noAdapter, { ...runtimeOk, vulkanLoader: undefined, vulkanDrivers: [] }), 'wasm').join('\n')
    expect(advice).toMatch(
      /install the Vulkan loader libvulkan.so.1 \(Debian\/Ubuntu: `apt-get install libvulkan1`; RHEL\/Fedora: `dnf install vulkan-loader`\)/
    )
  })

  it('an NVIDIA GPU with no Vulkan driver registered: the driver and container advice, next to the CUDA advice', () => {
    const advice = adviceFor(
      withWebGpu(noAdapter, { ...runtimeOk, vulkanDrivers: [] }, { gpu: { nvidiaSmi: true, gpus: ['NVIDIA A100'] }, cudaLibraries: cudaChecks([]) }),
      'wasm'
    ).join('\n')
    expect(advice).toMatch(/An NVIDIA GPU is present but no Vulkan driver is registered \(no nvidia_icd.json/)
    expect(advice).toMatch(/NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics/)
    expect(advice).toMatch(/npm install @tensorflow\/tfjs-node-gpu@4.22.0/)
    expect(advice).toMatch(/CUDA 11.2 runtime \(libcudart.so.11.0\)/)
  })

  it('drivers registered but Dawn accepts none: passes on what Dawn said', () => {
    const probe: WebGpuProbe = { ...noAdapter, dawnMessages: ['Vulkan shaderUniform*ArrayDynamicIndexing required'] } as WebGpuProbe
    const advice = adviceFor(withWebGpu(probe, { ...runtimeOk, vulkanDrivers: ['/usr/share/vulkan/icd.d/radeon_icd.json'] }), 'wasm').join('\n')
    expect(advice).toMatch(
      /Vulkan drivers are registered \(radeon_icd.json\) but Dawn found no GPU through them \(Dawn said: Vulkan shaderUniform\*ArrayDynamicIndexing required\)/
    )
  })

  it('too old a glibc or libstdc++ for dawn.node: says which and what to do', () => {
    const advice = adviceFor(
      withWebGpu(answered([], "dawn.node does not load: version `GLIBCXX_3.4.30' not found"), {
        ...runtimeOk,
        glibc: '2.31',
        glibcOk: false,
        glibcxxOk: false
      }),
      'wasm'
    ).join('\n')
    expect(advice).toMatch(/needs glibc 2.34 or newer; this system has 2.31/)
    expect(advice).toMatch(
      /libstdc\+\+ with GLIBCXX_3.4.30 \(GCC 12 or newer\); \/usr\/lib\/x86_64-linux-gnu\/libstdc\+\+.so.6 lacks it: put a newer one first in LD_LIBRARY_PATH/
    )
    // the Vulkan advice would be beside the point while dawn.node cannot load
    expect(advice).not.toMatch(/Vulkan driver/)
  })

  it('macOS or Windows without an adapter: nothing to install', () => {
    const advice = adviceFor(withWebGpu(noAdapter, undefined, { platform: 'darwin' }), 'wasm').join('\n')
    expect(advice).toMatch(/on darwin WebGPU needs nothing installed/)
    expect(advice).not.toMatch(/libvulkan/)
  })

  it('a probe that hung is reported as such', () => {
    const probe: WebGpuProbe = {
      status: 'timed-out',
      adapters: [],
      reason: 'the WebGPU probe did not answer within 20 s (a GPU driver may be hung)',
      dawnMessages: []
    }
    expect(adviceFor(withWebGpu(probe), 'wasm').join('\n')).toMatch(/WebGPU: the WebGPU probe did not answer within 20 s/)
  })
})

describe('what dawn.node needs from Linux', () => {
  const folder = () => mkdtempSync(path.join(os.tmpdir(), 'fml-libs-'))

  it('finds libstdc++ and libvulkan first in LD_LIBRARY_PATH and reads GLIBCXX_3.4.30 from the library itself', () => {
    const old = folder()
    writeFileSync(path.join(old, 'libstdc++.so.6'), 'ELF... GLIBCXX_3.4.28\0GLIBCXX_3.4.29\0')
    expect(dawnRuntimeChecks({ LD_LIBRARY_PATH: old }, '2.36')).toMatchObject({ libstdcxx: path.join(old, 'libstdc++.so.6'), glibcxxOk: false })
    const recent = folder()
    writeFileSync(path.join(recent, 'libstdc++.so.6'), 'ELF... GLIBCXX_3.4.29\0GLIBCXX_3.4.30\0')
    expect(dawnRuntimeChecks({ LD_LIBRARY_PATH: `${recent}:${old}` }, '2.36')).toMatchObject({
      libstdcxx: path.join(recent, 'libstdc++.so.6'),
      glibcxxOk: true
    })
  })

  it("tells the worker bundle's own Vulkan loader from the system's", () => {
    const bundle = folder()
    mkdirSync(path.join(bundle, 'lib', 'vulkan'), { recursive: true })
    writeFileSync(path.join(bundle, 'lib', 'vulkan', 'libvulkan.so.1'), '')
    const env = { LD_LIBRARY_PATH: path.join(bundle, 'lib', 'vulkan'), FIXMATCH_LAB_BUNDLE: bundle }
    expect(dawnRuntimeChecks(env, '2.36')).toMatchObject({ vulkanLoader: path.join(bundle, 'lib', 'vulkan', 'libvulkan.so.1'), vulkanLoaderBundled: true })
  })

  it('compares glibc versions as numbers', () => {
    expect(dawnRuntimeChecks({}, '2.34').glibcOk).toBe(true)
    expect(dawnRuntimeChecks({}, '2.4').glibcOk).toBe(false)
    expect(dawnRuntimeChecks({}, '2.31').glibcOk).toBe(false)
    expect(dawnRuntimeChecks({}, null)).not.toHaveProperty('glibc')
    expect(dawnRuntimeChecks({}, null).glibcOk).toBe(false)
    expect(versionAtLeast('2.39', '2.34')).toBe(true)
  })

  it('lists the Vulkan drivers the loader would read: VK_DRIVER_FILES, else the ICD folders', () => {
    const icd = folder()
    writeFileSync(path.join(icd, 'nvidia_icd.json'), '{}')
    expect(vulkanDriverFiles({ VK_DRIVER_FILES: `${path.join(icd, 'nvidia_icd.json')}:${path.join(icd, 'gone.json')}` })).toEqual([
      path.join(icd, 'nvidia_icd.json')
    ])
    const data = folder()
    mkdirSync(path.join(data, 'vulkan', 'icd.d'), { recursive: true })
    writeFileSync(path.join(data, 'vulkan', 'icd.d', 'lvp_icd.json'), '{}')
    writeFileSync(path.join(data, 'vulkan', 'icd.d', 'README'), '')
    expect(vulkanDriverFiles({ XDG_DATA_DIRS: data, XDG_CONFIG_DIRS: data })).toContain(path.join(data, 'vulkan', 'icd.d', 'lvp_icd.json'))
    expect(vulkanDriverFiles({ XDG_DATA_DIRS: data, XDG_CONFIG_DIRS: data })).not.toContain(path.join(data, 'vulkan', 'icd.d', 'README'))
    expect(isSoftwareDriver('/usr/share/vulkan/icd.d/lvp_icd.json')).toBe(true)
    expect(isSoftwareDriver('/usr/share/vulkan/icd.d/nvidia_icd.json')).toBe(false)
  })
})

describe('the WebGPU probe (a child process with a time limit)', () => {
  const node = (code: string) => [process.execPath, '-e', code]

  it('reads the listing from the last stdout line and keeps what Dawn printed, less its noise', async () => {
    const listing = JSON.stringify({ adapters: [lavapipe] })
    const probe = await probeWebGpu(
      node(
        `console.error('Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.'); console.error('Vulkan: something Dawn said'); console.log('chatter'); console.log(${JSON.stringify(listing)})`
      )
    )
    expect(probe).toEqual({ status: 'answered', adapters: [lavapipe], dawnMessages: ['Vulkan: something Dawn said'] })
  })

  it('a probe that hangs is killed and reported after the time limit', async () => {
    const started = Date.now()
    const probe = await probeWebGpu(node('setInterval(() => {}, 1000)'), 1500)
    expect(probe.status).toBe('timed-out')
    expect(probe.reason).toMatch(/did not answer within 2 s/)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('a probe that crashes is reported with its exit status', async () => {
    const probe = await probeWebGpu(node("console.error('Segmentation fault in libvulkan_foo.so'); process.exit(139)"))
    expect(probe).toMatchObject({ status: 'failed', adapters: [], dawnMessages: ['Segmentation fault in libvulkan_foo.so'] })
    expect(probe.reason).toMatch(/exited with status 139 without an answer/)
  })
})
