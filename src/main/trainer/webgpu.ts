// WebGPU through Dawn's Node bindings (the `webgpu` package): which adapters
// this machine has, and the tfjs `webgpu` backend on one of them.
//
// tfjs-backend-webgpu registers itself only if `navigator.gpu` exists when it
// is imported, so Dawn's globals and navigator.gpu are installed first and the
// backend is imported dynamically (a static import would be hoisted above).
// Dawn's node object keeps the process alive while referenced: whoever uses
// this module exits explicitly (the trainer, the CLI).
import * as tf from '@tensorflow/tfjs-core'
import { registerWebGpuAddN } from './kernels/webgpu-add-n.ts'

/** The adapter's limits that decide what fits, as Dawn reports them. */
export interface WebGpuLimits {
  maxBufferSize: number
  maxStorageBufferBindingSize: number
  maxStorageBuffersPerShaderStage: number
  maxComputeWorkgroupStorageSize: number
  maxComputeInvocationsPerWorkgroup: number
  maxComputeWorkgroupsPerDimension: number
}

export interface WebGpuAdapter {
  vendor: string
  architecture: string
  device: string
  description: string
  /** the driver, where Dawn's description names one (e.g. "Mesa 25.0.7") */
  driver?: string
  /** a CPU implementation (lavapipe, SwiftShader): correct but slower than wasm, never chosen by auto */
  software: boolean
  /** which request found it: the high-performance, low-power or fallback adapter */
  found: ('high-performance' | 'low-power' | 'fallback')[]
  limits: WebGpuLimits
}

export type WebGpuListing = { adapters: WebGpuAdapter[]; reason?: undefined } | { adapters: []; reason: string }

interface DawnModule {
  create(options: string[]): GPU
  globals: Record<string, unknown>
}

let dawn: DawnModule | undefined
let gpu: GPU | undefined

/** Loads dawn.node once and installs its globals and navigator.gpu. Throws with the loader's reason. */
async function installNavigatorGpu(): Promise<GPU> {
  if (gpu) return gpu
  dawn ??= (await import('webgpu')) as unknown as DawnModule
  Object.assign(globalThis, dawn.globals)
  gpu = dawn.create([])
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator
  // Node 21+ has a read-only global navigator: add gpu to it; Node 20 has none.
  if (nav && typeof nav === 'object') {
    try {
      Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true })
    } catch {
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true })
    }
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true })
  }
  return gpu
}

const LIMIT_NAMES: (keyof WebGpuLimits)[] = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension'
]

function limitsOf(adapter: GPUAdapter): WebGpuLimits {
  const out = {} as WebGpuLimits
  for (const name of LIMIT_NAMES) out[name] = Number((adapter.limits as unknown as Record<string, number>)[name])
  return out
}

/** Software rasterisers Dawn can land on; Dawn also flags them as fallback adapters. */
const SOFTWARE_DEVICE = /llvmpipe|lavapipe|swiftshader|softpipe|microsoft basic render/i

export function describeAdapter(adapter: GPUAdapter): Omit<WebGpuAdapter, 'found'> {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean }
  const description = info.description ?? ''
  const driver = /\b(Mesa [\w.~+-]+|NVIDIA [\d.]+|[\d]+\.[\d.]+)\b/.exec(description)?.[1]
  const software =
    info.isFallbackAdapter === true ||
    (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true ||
    info.architecture === 'software' ||
    SOFTWARE_DEVICE.test(`${info.device} ${description}`)
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description,
    ...(driver ? { driver } : {}),
    software,
    limits: limitsOf(adapter)
  }
}

const sameAdapter = (a: Omit<WebGpuAdapter, 'found'>, b: Omit<WebGpuAdapter, 'found'>) =>
  a.vendor === b.vendor && a.architecture === b.architecture && a.device === b.device && a.description === b.description

function whyNoDawn(err: unknown): string {
  const e = err as Error & { code?: string }
  if (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') return 'the webgpu package (Dawn) is not installed'
  const first = e.message.split('\n')[0]
  if (/GLIBC|GLIBCXX/.test(e.message)) return `dawn.node does not load: ${first} (it needs glibc 2.34 and GLIBCXX_3.4.30)`
  return `dawn.node does not load: ${first}`
}

const NO_ADAPTER_REASON =
  "Dawn found no WebGPU adapter: no Vulkan driver answered (on Linux install the Vulkan loader libvulkan1 and your GPU vendor's " +
  "Vulkan driver, or Mesa's mesa-vulkan-drivers for a software device; macOS and Windows need nothing extra)"

/**
 * The adapters Dawn offers, asked for by power preference and as the fallback
 * adapter (Dawn hands out one per request; the same one found twice is listed once).
 */
export async function listWebGpuAdapters(): Promise<WebGpuListing> {
  let g: GPU
  try {
    g = await installNavigatorGpu()
  } catch (err) {
    return { adapters: [], reason: whyNoDawn(err) }
  }
  const adapters: WebGpuAdapter[] = []
  const requests: [WebGpuAdapter['found'][number], GPURequestAdapterOptions][] = [
    ['high-performance', { powerPreference: 'high-performance' }],
    ['low-power', { powerPreference: 'low-power' }],
    ['fallback', { forceFallbackAdapter: true }]
  ]
  for (const [found, options] of requests) {
    let adapter: GPUAdapter | null
    try {
      adapter = await g.requestAdapter(options)
    } catch {
      adapter = null
    }
    if (!adapter) continue
    const described = describeAdapter(adapter)
    const seen = adapters.find((a) => sameAdapter(a, described))
    if (seen) seen.found.push(found)
    else adapters.push({ ...described, found: [found] })
  }
  if (adapters.length === 0) return { adapters: [], reason: NO_ADAPTER_REASON }
  return { adapters }
}

/** What went wrong on the device during a run, once it did: out of memory, a lost device, a validation error. */
export class WebGpuDeviceError extends Error {}

export interface WebGpuSession {
  adapter: WebGpuAdapter
  device: GPUDevice
  /** the first fatal device error (lost device, out of memory, internal error), if any */
  fault(): WebGpuDeviceError | undefined
  /** resolves when the device is lost: a read racing it ends rather than hangs */
  lost: Promise<WebGpuDeviceError>
}

let session: WebGpuSession | undefined

/**
 * Makes the tfjs `webgpu` backend available on the high-performance adapter and
 * sets it. Unlike tfjs's own registration this asks the device for the adapter's
 * full storage-buffer count (the default 8 is too few for some fused kernels)
 * and listens for out-of-memory and device-lost errors, which Dawn would
 * otherwise only print.
 */
export async function initWebGpuBackend(options: { allowSoftware: boolean }): Promise<WebGpuSession> {
  if (session && !session.fault()) {
    if (!(await tf.setBackend('webgpu'))) throw new Error('webgpu backend failed to initialise')
    return session
  }
  if (session) {
    // The device was lost or ran out of memory: a retry (e.g. with a smaller batch) gets a fresh one.
    if (tf.getBackend() === 'webgpu') await tf.setBackend('cpu')
    tf.removeBackend('webgpu')
    session.device.destroy()
    session = undefined
  }
  let g: GPU
  try {
    g = await installNavigatorGpu()
  } catch (err) {
    throw new Error(whyNoDawn(err), { cause: err })
  }
  const adapter = await g.requestAdapter({ powerPreference: 'high-performance' })
  if (!adapter) throw new Error(NO_ADAPTER_REASON)
  const described: WebGpuAdapter = { ...describeAdapter(adapter), found: ['high-performance'] }
  if (described.software && !options.allowSoftware) {
    throw new Error(
      `only a software adapter (${described.description || described.device}) is present; it is slower than wasm, so auto skips it (force it with --backend webgpu)`
    )
  }
  const features: GPUFeatureName[] = []
  if (adapter.features.has('timestamp-query')) features.push('timestamp-query')
  const limits = described.limits
  const device = await adapter.requestDevice({
    requiredFeatures: features,
    requiredLimits: {
      maxBufferSize: limits.maxBufferSize,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX
    }
  })
  let first: WebGpuDeviceError | undefined
  const record = (message: string): WebGpuDeviceError => {
    first ??= new WebGpuDeviceError(message)
    return first
  }
  const lost = device.lost.then((info) =>
    record(info.reason === 'destroyed' ? 'the WebGPU device was destroyed' : `the WebGPU device was lost: ${info.message || info.reason}`)
  )
  device.addEventListener('uncapturederror', (event) => {
    const error = (event as GPUUncapturedErrorEvent).error
    const name = error.constructor?.name ?? ''
    if (name === 'GPUOutOfMemoryError' || /out of memory|OOM/i.test(error.message)) {
      record(`the GPU ran out of memory (${error.message.split('\n')[0]}): lower batchSize or mu`)
    } else record(`WebGPU error: ${error.message.split('\n')[0]}`)
  })

  // tfjs-backend-webgpu registers a factory of its own on import; ours replaces it.
  const { WebGPUBackend } = (await import('@tensorflow/tfjs-backend-webgpu')) as typeof import('@tensorflow/tfjs-backend-webgpu')
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu')
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapter.info), 3)
  registerWebGpuAddN()
  if (!(await tf.setBackend('webgpu'))) throw new Error('webgpu backend failed to initialise')
  session = { adapter: described, device, fault: () => first, lost }
  return session
}

/** The live WebGPU session, when the webgpu backend was initialised in this process. */
export function webGpuSession(): WebGpuSession | undefined {
  return session
}
