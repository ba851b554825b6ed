// Identity that shares its input's buffer (as the cpu backend's does) instead
// of copying it. The engine runs Identity to save every tensor a gradient
// needs (tf.clone), so a WRN step made about 300 full activation copies.
// Sharing is safe because tensors are immutable: nothing writes in place.
import { Identity, type TensorInfo } from '@tensorflow/tfjs-core'
import { callFallback, type WasmKernel, type WasmKernelArgs } from './wasm-scope.ts'

export const identityKernel: WasmKernel = {
  kernelName: Identity,
  kernelFunc: (args: WasmKernelArgs<{ x: TensorInfo }>, fallback) => {
    const {
      inputs: { x },
      backend
    } = args
    if (x.dtype === 'string') return callFallback(Identity, fallback, args)
    backend.incRef(x.dataId)
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
  }
}
