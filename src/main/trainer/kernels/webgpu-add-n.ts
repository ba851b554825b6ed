// AddN on webgpu in chunks that fit the device. tfjs-backend-webgpu's AddN
// binds every input as a storage buffer in one shader, and a device allows
// only maxStorageBuffersPerShaderStage (8 by default, 16 on lavapipe): with
// more inputs the pipeline is invalid and the result silently zero.
import { getKernel, registerKernel, unregisterKernel, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core'

interface DisposingBackend {
  disposeData(dataId: object): void
  device: { limits: { maxStorageBuffersPerShaderStage: number } }
}

let registered = false

/** Replaces webgpu's AddN with one that sums at most (limit - 1) inputs per shader. Call after the backend is imported. */
export function registerWebGpuAddN(): void {
  if (registered) return
  const original = getKernel('AddN', 'webgpu')
  if (!original) throw new Error('tfjs-backend-webgpu has no AddN kernel to wrap')
  const inner = original.kernelFunc
  const kernelFunc: KernelFunc = (args) => {
    const inputs = args.inputs as unknown as TensorInfo[]
    const backend = args.backend as unknown as DisposingBackend
    const perShader = Math.max(2, backend.device.limits.maxStorageBuffersPerShaderStage - 1)
    if (inputs.length <= perShader) return inner(args)
    let pending = inputs.slice()
    const made = new Set<TensorInfo>()
    while (pending.length > 1) {
      const next: TensorInfo[] = []
      for (let i = 0; i < pending.length; i += perShader) {
        const group = pending.slice(i, i + perShader)
        if (group.length === 1) {
          next.push(group[0])
          continue
        }
        const sum = inner({ ...args, inputs: group as unknown as typeof args.inputs }) as TensorInfo
        made.add(sum)
        next.push(sum)
      }
      pending = next
    }
    for (const info of made) if (info !== pending[0]) backend.disposeData(info.dataId)
    return pending[0]
  }
  unregisterKernel('AddN', 'webgpu')
  registerKernel({ kernelName: 'AddN', backendName: 'webgpu', kernelFunc })
  registered = true
}
