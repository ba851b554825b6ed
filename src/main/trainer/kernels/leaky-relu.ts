// LeakyReLU, which the WRN applies 25 times per forward pass. wasm's own
// LeakyRelu kernel is a scalar loop (about 3.5 ms per 16x32x32x32 tensor) and
// tfjs's gradient for it goes through Greater and Select, slower still; both
// become x * step(x, alpha): Step and Multiply are fast SIMD kernels on wasm.
import { LeakyRelu, mul, step, type GradConfig, type LeakyReluAttrs, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core'
import { callFallback, withScope, type WasmKernel, type WasmKernelArgs } from './wasm-scope.ts'

export const leakyReluKernel: WasmKernel = {
  kernelName: LeakyRelu,
  kernelFunc: (args: WasmKernelArgs<{ x: TensorInfo }, LeakyReluAttrs>, fallback) => {
    const {
      inputs: { x },
      backend,
      attrs: { alpha }
    } = args
    if (x.dtype !== 'float32') return callFallback(LeakyRelu, fallback, args)
    return withScope(backend, [x], (s) => s.run('Multiply', { a: x, b: s.run('Step', { x }, { alpha }) }))
  }
}

/**
 * The same gradient as tfjs's own (dy where x > 0, alpha * dy elsewhere) in
 * two fast kernels. Gradients are registered for every backend at once.
 */
export const leakyReluGradConfig: GradConfig = {
  kernelName: LeakyRelu,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved
    const { alpha } = attrs as unknown as LeakyReluAttrs
    return { x: () => mul(dy as Tensor, step(x, alpha)) }
  }
}
