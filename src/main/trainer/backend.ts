// Picks the TensorFlow.js backend: the fastest one present unless one is forced.
// Order: tfjs-node-gpu (CUDA) > tfjs-node (libtensorflow CPU) > wasm (+ our
// training kernels) > cpu (pure JS, slowest).
import os from 'node:os'
import * as tf from '@tensorflow/tfjs-core'
// tfjs-core's gradients, bundled at install time (see scripts/bundle-tfjs-gradients.mjs).
import '../../../generated/tfjs-gradients.js'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import { registerWasmTrainingKernels } from './kernels/index.ts'

export const BACKEND_CHOICES = ['auto', 'node-gpu', 'node', 'wasm', 'cpu'] as const
export type BackendChoice = (typeof BACKEND_CHOICES)[number]
export type BackendName = Exclude<BackendChoice, 'auto'>

export interface BackendInfo {
  /** Our name for it: node-gpu, node, wasm or cpu. */
  backend: BackendName
  /** tfjs's own backend name (tensorflow, wasm, cpu). */
  tfjsBackend: string
  device: string
  /** Why faster backends were skipped, for `doctor` and the logs. */
  skipped: { backend: BackendName; reason: string }[]
}

const AUTO_ORDER: BackendName[] = ['node-gpu', 'node', 'wasm', 'cpu']

export class BackendUnavailableError extends Error {}

async function loadNodeBinding(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Promise<void> {
  // The package registers the 'tensorflow' backend with the shared tfjs-core on import.
  await import(pkg)
}

async function tryBackend(name: BackendName): Promise<string> {
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

function describeDevice(name: BackendName): string {
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU'
  const cores = os.cpus().length
  if (name === 'node-gpu') return `NVIDIA GPU via CUDA (host ${cpu})`
  if (name === 'wasm') return `${cpu}, 1 thread (WebAssembly SIMD)`
  return `${cpu}, ${cores} cores`
}

let current: BackendInfo | undefined

/** Initialises (once per process) and returns the backend in use. */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
  if (current && (choice === 'auto' || choice === current.backend)) return current
  const candidates = choice === 'auto' ? AUTO_ORDER : [choice]
  const skipped: BackendInfo['skipped'] = []
  for (const name of candidates) {
    try {
      const tfjsBackend = await tryBackend(name)
      current = { backend: name, tfjsBackend, device: describeDevice(name), skipped }
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
