// Training kernels that the wasm backend lacks, registered from kernels it has.
// (Filled in by the wasm-kernels work; see conv2d-backprop-filter.ts.)
let registered = false

export function registerWasmTrainingKernels(): void {
  if (registered) return
  registered = true
}
