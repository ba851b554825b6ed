// What `doctor` reports: the backend that would be used and why the faster
// ones are not, the CPU and GPU seen, the WebGPU adapters Dawn offers (and on
// Linux what dawn.node and Vulkan need), and for tfjs-node-gpu whether the
// CUDA 11.2 / cuDNN 8 libraries it links against can be found.
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import os from 'node:os'
import { webGpuAdvice, type WebGpuReport } from './doctor-webgpu.ts'
import { findLibrary, libraryFolders, type LibraryCheck } from './library-search.ts'

export { findLibrary, libraryFolders, type LibraryCheck }

export interface GpuReport {
  nvidiaSmi: boolean
  gpus: string[]
  driver?: string
}

export interface DoctorReport {
  platform: string
  cpu: string
  cores: number
  memoryGiB: number
  packages: Record<'@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node' | '@tensorflow/tfjs-backend-wasm', boolean>
  gpu: GpuReport
  /** absent where nobody probed (the service's header advice) */
  webgpu?: WebGpuReport
  cudaLibraries: LibraryCheck[]
  advice: string[]
}

const require = createRequire(import.meta.url)

/** Packages compiled into this build rather than installed (the worker bundle sets it at build time). */
const COMPILED_IN = (process.env.FIXMATCH_LAB_COMPILED_IN ?? '').split(',').filter(Boolean)

function installed(pkg: string): boolean {
  if (COMPILED_IN.includes(pkg)) return true
  try {
    require.resolve(`${pkg}/package.json`)
    return true
  } catch {
    return false
  }
}

/** Runs a command and resolves with its stdout; rejects when it is missing, fails or takes over 5 s. */
export type CommandRunner = (cmd: string, args: string[]) => Promise<string>

const runCommand: CommandRunner = (cmd, args) =>
  new Promise((resolve, reject) => {
    // asynchronous: the lab service asks this while it answers windows, and nvidia-smi can take seconds
    execFile(cmd, args, { encoding: 'utf8', timeout: 5000 }, (error, stdout) => (error ? reject(error) : resolve(stdout)))
  })

export async function detectGpu(run: CommandRunner = runCommand): Promise<GpuReport> {
  try {
    const out = await run('nvidia-smi', ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader'])
    const rows = out.trim().split('\n').filter(Boolean)
    return { nvidiaSmi: true, gpus: rows.map((r) => r.split(',').slice(0, 2).join(',').trim()), driver: rows[0]?.split(',')[2]?.trim() }
  } catch {
    return { nvidiaSmi: false, gpus: [] }
  }
}

export function cudaChecks(folders = libraryFolders()): LibraryCheck[] {
  return [
    findLibrary({ name: 'CUDA 11.2 runtime', wanted: ['libcudart.so.11.0'] }, folders),
    findLibrary({ name: 'cuBLAS 11', wanted: ['libcublas.so.11'] }, folders),
    findLibrary({ name: 'cuDNN 8', wanted: ['libcudnn.so.8'] }, folders)
  ]
}

export function adviceFor(report: Omit<DoctorReport, 'advice'>, backendInUse: string): string[] {
  const advice: string[] = []
  const hasGpu = report.gpu.gpus.length > 0
  if (backendInUse === 'node-gpu') return ['The GPU is in use: nothing to do.']
  const webgpuHardware = report.webgpu?.probe.adapters.find((a) => !a.software)
  if (backendInUse === 'webgpu' && webgpuHardware)
    return [`The GPU is in use through WebGPU (${webgpuHardware.description || webgpuHardware.device}): nothing to do.`]
  if (report.webgpu) advice.push(...webGpuAdvice(report.webgpu, { platform: report.platform, backendInUse, nvidiaGpu: hasGpu }))
  if (hasGpu) {
    if (!report.packages['@tensorflow/tfjs-node-gpu']) {
      advice.push(
        'An NVIDIA GPU is present but @tensorflow/tfjs-node-gpu is not installed: run `npm install @tensorflow/tfjs-node-gpu@4.22.0` on a machine with network access (it downloads libtensorflow with GPU support).'
      )
    }
    const missing = report.cudaLibraries.filter((l) => !l.foundAt)
    if (missing.length > 0) {
      advice.push(
        `tfjs-node-gpu needs ${missing.map((l) => `${l.name} (${l.wanted.join(' or ')})`).join(', ')}: install the CUDA 11.2 toolkit and cuDNN 8.1 ` +
          "(e.g. from NVIDIA's archive), then `export LD_LIBRARY_PATH=/usr/local/cuda-11.2/lib64:$LD_LIBRARY_PATH` before starting FixMatch Lab."
      )
    }
  } else if (report.platform === 'linux' && !webgpuHardware) {
    advice.push(
      'No NVIDIA GPU seen (nvidia-smi not found or no device): CIFAR-scale runs will take weeks on the CPU; use a GPU machine and `fixmatch-lab serve` or `worker` there.'
    )
  }
  if (backendInUse === 'wasm' || backendInUse === 'cpu') {
    if (!report.packages['@tensorflow/tfjs-node']) {
      advice.push(
        'For faster CPU training install the native backend: `npm install @tensorflow/tfjs-node@4.22.0` (downloads libtensorflow; needs network access).'
      )
    }
  }
  if (backendInUse === 'cpu') advice.push('The pure-JavaScript cpu backend is about 4,000x slower than PyTorch: check why wasm did not start (see above).')
  return advice
}

/** The report; `webgpu` is the probe's answer (see doctor-webgpu.ts), left out where nobody probed. */
export async function collectReport(backendInUse: string, webgpu?: WebGpuReport): Promise<DoctorReport> {
  const base = {
    platform: process.platform,
    cpu: os.cpus()[0]?.model?.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    packages: {
      '@tensorflow/tfjs-node-gpu': installed('@tensorflow/tfjs-node-gpu'),
      '@tensorflow/tfjs-node': installed('@tensorflow/tfjs-node'),
      '@tensorflow/tfjs-backend-wasm': installed('@tensorflow/tfjs-backend-wasm')
    },
    gpu: await detectGpu(),
    ...(webgpu ? { webgpu } : {}),
    cudaLibraries: process.platform === 'linux' ? cudaChecks() : []
  }
  return { ...base, advice: adviceFor(base, backendInUse) }
}
