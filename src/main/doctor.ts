// What `doctor` reports: the backend that would be used and why the faster
// ones are not, the CPU and GPU seen, and for tfjs-node-gpu whether the CUDA
// 11.2 / cuDNN 8 libraries it links against can be found.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'

export interface LibraryCheck {
  name: string
  /** file names that satisfy it, e.g. libcudart.so.11.0 */
  wanted: string[]
  foundAt?: string
}

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
  cudaLibraries: LibraryCheck[]
  advice: string[]
}

const require = createRequire(import.meta.url)

function installed(pkg: string): boolean {
  try {
    require.resolve(`${pkg}/package.json`)
    return true
  } catch {
    return false
  }
}

export function detectGpu(run: (cmd: string, args: string[]) => string = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] })): GpuReport {
  try {
    const out = run('nvidia-smi', ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader'])
    const rows = out.trim().split('\n').filter(Boolean)
    return { nvidiaSmi: true, gpus: rows.map((r) => r.split(',').slice(0, 2).join(',').trim()), driver: rows[0]?.split(',')[2]?.trim() }
  } catch {
    return { nvidiaSmi: false, gpus: [] }
  }
}

/** Folders the dynamic linker searches: LD_LIBRARY_PATH, the usual CUDA places, and ldconfig's cache. */
export function libraryFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const folders = (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)
  folders.push('/usr/local/cuda-11.2/lib64', '/usr/local/cuda/lib64', '/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib')
  return [...new Set(folders)]
}

export function findLibrary(check: Omit<LibraryCheck, 'foundAt'>, folders: string[]): LibraryCheck {
  for (const folder of folders) {
    if (!existsSync(folder)) continue
    let names: string[]
    try {
      names = readdirSync(folder)
    } catch {
      continue
    }
    const hit = check.wanted.find((w) => names.includes(w))
    if (hit) return { ...check, foundAt: path.join(folder, hit) }
  }
  return { ...check }
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
  if (hasGpu) {
    if (!report.packages['@tensorflow/tfjs-node-gpu']) {
      advice.push('An NVIDIA GPU is present but @tensorflow/tfjs-node-gpu is not installed: run `npm install @tensorflow/tfjs-node-gpu@4.22.0` on a machine with network access (it downloads libtensorflow with GPU support).')
    }
    const missing = report.cudaLibraries.filter((l) => !l.foundAt)
    if (missing.length > 0) {
      advice.push(
        `tfjs-node-gpu needs ${missing.map((l) => `${l.name} (${l.wanted.join(' or ')})`).join(', ')}: install the CUDA 11.2 toolkit and cuDNN 8.1 ` +
          '(e.g. from NVIDIA\'s archive), then `export LD_LIBRARY_PATH=/usr/local/cuda-11.2/lib64:$LD_LIBRARY_PATH` before starting FixMatch Lab.'
      )
    }
  } else if (report.platform === 'linux') {
    advice.push('No NVIDIA GPU seen (nvidia-smi not found or no device): CIFAR-scale runs will take weeks on the CPU; use a GPU machine and `fixmatch-lab serve` or `worker` there.')
  }
  if (backendInUse === 'wasm' || backendInUse === 'cpu') {
    if (!report.packages['@tensorflow/tfjs-node']) {
      advice.push('For faster CPU training install the native backend: `npm install @tensorflow/tfjs-node@4.22.0` (downloads libtensorflow; needs network access).')
    }
  }
  if (backendInUse === 'cpu') advice.push('The pure-JavaScript cpu backend is about 4,000x slower than PyTorch: check why wasm did not start (see above).')
  return advice
}

export function collectReport(backendInUse: string): DoctorReport {
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
    gpu: detectGpu(),
    cudaLibraries: process.platform === 'linux' ? cudaChecks() : []
  }
  return { ...base, advice: adviceFor(base, backendInUse) }
}
