// Picks the TensorFlow.js backend: the fastest one present unless one is forced.
// Order: tfjs-node-gpu (CUDA) > webgpu on a hardware adapter (Dawn: Vulkan,
// Metal, D3D12) > tfjs-node (libtensorflow CPU) > wasm (+ our training
// kernels) > cpu (pure JS, slowest). A software WebGPU adapter (lavapipe,
// SwiftShader) is slower than wasm: auto skips it, --backend webgpu forces it.
import os from 'node:os'
import * as tf from '@tensorflow/tfjs-core'
// tfjs-core's gradients, bundled at install time (see scripts/bundle-tfjs-gradients.mjs).
import '../../../generated/tfjs-gradients.js'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import { registerWasmTrainingKernels } from './kernels/index.ts'
import { initWebGpuBackend, webGpuSession, type WebGpuAdapter } from './webgpu.ts'

export const BACKEND_CHOICES = ['auto', 'node-gpu', 'webgpu', 'node', 'wasm', 'cpu'] as const
export type BackendChoice = (typeof BACKEND_CHOICES)[number]
export type BackendName = Exclude<BackendChoice, 'auto'>

export interface BackendInfo {
  /** Our name for it: node-gpu, webgpu, node, wasm or cpu. */
  backend: BackendName
  /** tfjs's own backend name (tensorflow, webgpu, wasm, cpu). */
  tfjsBackend: string
  device: string
  /** webgpu: the adapter it runs on (provenance: vendor, architecture, device, driver, limits) */
  adapter?: WebGpuAdapter
  /** false where reading a tensor must be awaited (webgpu: dataSync throws there) */
  syncReads: boolean
  /** Why faster backends were skipped, for `doctor` and the logs. */
  skipped: { backend: BackendName; reason: string }[]
}

const AUTO_ORDER: BackendName[] = ['node-gpu', 'webgpu', 'node', 'wasm', 'cpu']

export class BackendUnavailableError extends Error {}

async function loadNodeBinding(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Promise<void> {
  // The package registers the 'tensorflow' backend with the shared tfjs-core on import.
  await import(pkg)
}

async function tryBackend(name: BackendName, auto: boolean): Promise<{ tfjsBackend: string; adapter?: WebGpuAdapter }> {
  if (name === 'webgpu') {
    const session = await initWebGpuBackend({ allowSoftware: !auto })
    return { tfjsBackend: 'webgpu', adapter: session.adapter }
  }
  return { tfjsBackend: await tryCpuSideBackend(name) }
}

async function tryCpuSideBackend(name: Exclude<BackendName, 'webgpu'>): Promise<string> {
  switch (name) {
    case 'node-gpu':
      await loadNodeBinding('@tensorflow/tfjs-node-gpu')
      if (!(await tf.setBackend('tensorflow'))) throw new Error('tensorflow backend failed to initialise')
      return 'tensorflow'
    case 'node':
      await loadNodeBinding('@tensorflow/tfjs-node')
      if (!(await tf.setBackend('tensorflow'))) throw new Error('tensorflow backend failed to initialise')
      return 'tensorflow'
    case 'wasm':
      registerWasmTrainingKernels()
      if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend failed to initialise')
      return 'wasm'
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new Error('cpu backend failed to initialise')
      // We chose cpu knowingly (or `doctor` explains why): skip tfjs's "install tfjs-node" banner.
      ;(tf.backend() as unknown as { firstUse?: boolean }).firstUse = false
      return 'cpu'
  }
}

function describeDevice(name: BackendName, adapter?: WebGpuAdapter): string {
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU'
  const cores = os.cpus().length
  if (name === 'webgpu' && adapter) return describeAdapterForHumans(adapter)
  if (name === 'node-gpu') return `NVIDIA GPU via CUDA (host ${cpu})`
  if (name === 'wasm') return `${cpu}, 1 thread (WebAssembly SIMD)`
  return `${cpu}, ${cores} cores`
}

/** One line naming the adapter and the limits that decide what fits: the run's stored device. */
export function describeAdapterForHumans(a: WebGpuAdapter): string {
  const kind = a.software ? 'SOFTWARE adapter' : 'hardware adapter'
  const names = [a.vendor, a.architecture, a.device].filter(Boolean).join(' ')
  const driver = a.driver ? `, driver ${a.driver}` : ''
  return (
    `WebGPU ${kind} ${names} (${a.description || 'no description'}${driver}; ` +
    `maxBufferSize ${a.limits.maxBufferSize}, maxStorageBufferBindingSize ${a.limits.maxStorageBufferBindingSize})`
  )
}

let current: BackendInfo | undefined

/** Initialises (once per process) and returns the backend in use. */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
  // a webgpu device that failed (lost, out of memory) is replaced on the next call
  const usable = current && !(current.backend === 'webgpu' && webGpuSession()?.fault())
  if (current && usable && (choice === 'auto' || choice === current.backend)) return current
  const candidates = choice === 'auto' ? AUTO_ORDER : [choice]
  const skipped: BackendInfo['skipped'] = []
  for (const name of candidates) {
    try {
      const { tfjsBackend, adapter } = await tryBackend(name, choice === 'auto')
      current = { backend: name, tfjsBackend, device: describeDevice(name, adapter), ...(adapter ? { adapter } : {}), syncReads: name !== 'webgpu', skipped }
      return current
    } catch (err) {
      const e = err as Error & { code?: string }
      const reason = e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND' ? 'package not installed' : e.message.split('\n')[0]
      skipped.push({ backend: name, reason })
    }
  }
  const why = skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')
  throw new BackendUnavailableError(`backend "${choice}" is not available here (${why}). Run \`fixmatch-lab doctor\` for advice.`)
}

export function currentBackend(): BackendInfo | undefined {
  return current
}
