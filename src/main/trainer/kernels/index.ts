// Training kernels for the wasm backend, built from kernels it has.
// Missing on wasm (so tf.grad of a conv net fails there): the filter gradient
// of conv2d and both depthwise gradients. Present but slow enough to dominate
// a WRN step, so replaced (measured in the bench, see train-step-bench.ts):
// Conv2DBackpropInput, LeakyRelu, FusedBatchNorm, Sum/Mean over leading axes
// and Identity. Replacements fall back to wasm's own kernel where they do
// not apply.
import { getKernel, registerGradient, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core'
import { batchNormKernel } from './batch-norm.ts'
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter.ts'
import { conv2dBackpropInputKernel } from './conv2d-backprop-input.ts'
import { depthwiseBackpropFilterKernel, depthwiseBackpropInputKernel } from './depthwise-backprop.ts'
import { identityKernel } from './identity.ts'
import { leakyReluGradConfig, leakyReluKernel } from './leaky-relu.ts'
import { meanKernel, sumKernel } from './leading-reduce.ts'
import { toKernelConfig, type WasmKernel } from './wasm-scope.ts'

export const WASM_TRAINING_KERNELS: readonly WasmKernel[] = [
  conv2dBackpropFilterKernel,
  conv2dBackpropInputKernel,
  depthwiseBackpropFilterKernel,
  depthwiseBackpropInputKernel,
  leakyReluKernel,
  batchNormKernel,
  sumKernel,
  meanKernel,
  identityKernel
]

let registered = false

/**
 * Registers our wasm kernels (replacing wasm's own where it has one) and the
 * faster LeakyRelu gradient. Safe to call more than once, before or after
 * the wasm backend is initialised.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return
  for (const kernel of WASM_TRAINING_KERNELS) {
    const replaced = getKernel(kernel.kernelName, 'wasm')
    if (replaced) unregisterKernel(kernel.kernelName, 'wasm')
    registerKernel(toKernelConfig(kernel, replaced))
  }
  registerGradient(leakyReluGradConfig)
  registered = true
}
