// Calls wasm kernels from inside another kernel and frees every intermediate.
// Inside a kernel there is no engine bookkeeping (no tf.tidy): each TensorInfo
// a kernel makes is a raw buffer on the wasm heap until disposeData frees it.
import { getKernel, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

export interface WasmKernelArgs<Inputs = Record<string, TensorInfo>, Attrs = NamedAttrMap> {
  inputs: Inputs
  backend: BackendWasm
  attrs: Attrs
}

/**
 * One of our wasm kernels. When it replaces a kernel wasm already has,
 * `fallback` is wasm's own, for the cases ours does not cover.
 */
export interface WasmKernel {
  kernelName: string
  // Inputs and attrs differ per kernel; each kernel types its own.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry of differently typed kernels
  kernelFunc: (args: WasmKernelArgs<any, any>, fallback: KernelFunc | undefined) => TensorInfo
}

/** The registry entry for `kernel`, keeping the replaced kernel's setup (its wasm bindings). */
export function toKernelConfig(kernel: WasmKernel, replaced: KernelConfig | undefined): KernelConfig {
  const fallback = replaced?.kernelFunc
  return {
    kernelName: kernel.kernelName,
    backendName: 'wasm',
    setupFunc: replaced?.setupFunc,
    disposeFunc: replaced?.disposeFunc,
    kernelFunc: (args) => kernel.kernelFunc(args as unknown as WasmKernelArgs, fallback)
  }
}

/** Calls wasm's own kernel, or says why there is none. */
export function callFallback(name: string, fallback: KernelFunc | undefined, args: WasmKernelArgs<unknown, unknown>): TensorInfo {
  if (!fallback) throw new Error(`wasm backend has no ${name} kernel for this case`)
  return fallback(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo
}

export class WasmScope {
  private readonly made: TensorInfo[] = []

  constructor(readonly backend: BackendWasm) {}

  /** Runs the wasm kernel `name`; its output is freed by `dispose` unless kept. */
  run(name: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = getKernel(name, 'wasm')
    if (!kernel) throw new Error(`wasm backend has no ${name} kernel`)
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend })
    if (Array.isArray(out)) throw new Error(`${name} returned several tensors; not supported here`)
    this.made.push(out)
    return out
  }

  /** Like `run` for kernels taking a list of tensors (Concat, AddN). */
  runList(name: string, inputs: TensorInfo[], attrs: NamedAttrMap = {}): TensorInfo {
    return this.run(name, inputs as unknown as Record<string, TensorInfo>, attrs)
  }

  /** A float32 tensor from host values, freed with the scope. */
  constant(values: Float32Array, shape: number[]): TensorInfo {
    const out = this.backend.makeOutput(shape, 'float32', undefined, values)
    this.made.push(out)
    return out
  }

  /** An uninitialised float32 tensor to be written through `view`, freed with the scope. */
  empty(shape: number[]): TensorInfo {
    const out = this.backend.makeOutput(shape, 'float32')
    this.made.push(out)
    return out
  }

  /**
   * The float32 values of `x` in place on the wasm heap. Valid only until the
   * next allocation (the heap may grow and move), so allocate first.
   */
  view(x: TensorInfo): Float32Array {
    if (x.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${x.dtype}`)
    return this.backend.typedArrayFromHeap(x) as Float32Array
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return sameShape(x.shape, shape) ? x : this.run('Reshape', { x }, { shape })
  }

  /**
   * Transpose with the permutation simplified first: axes that stay
   * neighbours are merged, because wasm's kernel is fast up to rank 4 and
   * about 40x slower above (a 5-D [4,1,3,2,0] of 1.2M values took 67 ms).
   */
  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    const outShape = perm.map((axis) => x.shape[axis])
    const { shape, order } = mergeAxes(x.shape, perm)
    if (order.every((axis, i) => axis === i)) return this.reshape(x, outShape)
    const moved = this.run('Transpose', { x: this.reshape(x, shape) }, { perm: order })
    return this.reshape(moved, outShape)
  }

  /** Zero padding; a no-op when every pad is 0. */
  pad(x: TensorInfo, paddings: [number, number][]): TensorInfo {
    if (paddings.every(([a, b]) => a === 0 && b === 0)) return x
    return this.run('PadV2', { x }, { paddings, constantValue: 0 })
  }

  /** Pads where an amount is positive and crops where it is negative. */
  padOrCrop(x: TensorInfo, paddings: [number, number][]): TensorInfo {
    const grow = paddings.map(([a, b]) => [Math.max(a, 0), Math.max(b, 0)] as [number, number])
    const begin = paddings.map(([a]) => Math.max(-a, 0))
    const size = x.shape.map((n, i) => n - begin[i] - Math.max(-paddings[i][1], 0))
    return this.pad(this.slice(x, begin, size), grow)
  }

  /**
   * A window of `size` starting at `begin`; a no-op when it is the whole
   * tensor. (wasm's Slice first copies the WHOLE input out of the heap; this
   * copies only the window, in contiguous runs.)
   */
  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (begin.every((b) => b === 0) && sameShape(x.shape, size)) return x
    if (x.dtype !== 'float32') return this.run('Slice', { x }, { begin, size })
    const out = this.empty(size)
    copyWindow(this.view(x), x.shape, begin, size, this.view(out))
    return out
  }

  /**
   * The NHWC window x[:, top + i*stepY, left + j*stepX, :] for i < rows,
   * j < cols: what one filter tap reads at every output position.
   */
  stridedWindow(x: TensorInfo, top: number, left: number, rows: number, cols: number, stepY: number, stepX: number): TensorInfo {
    if (stepY === 1 && stepX === 1) return this.slice(x, [0, top, left, 0], [x.shape[0], rows, cols, x.shape[3]])
    const [n, height, width, channels] = x.shape
    const out = this.empty([n, rows, cols, channels])
    const src = this.view(x)
    const dst = this.view(out)
    let offset = 0
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < rows; i++) {
        const rowStart = ((b * height + top + i * stepY) * width + left) * channels
        for (let j = 0; j < cols; j++) {
          const start = rowStart + j * stepX * channels
          dst.set(src.subarray(start, start + channels), offset)
          offset += channels
        }
      }
    }
    return out
  }

  /** Frees an intermediate now rather than at the end (for big per-block buffers). */
  release(t: TensorInfo): void {
    const i = this.made.lastIndexOf(t)
    if (i < 0) return
    this.made.splice(i, 1)
    this.backend.disposeData(t.dataId)
  }

  /** Takes `out` out of the scope, so that `dispose` leaves it alive. */
  keep(out: TensorInfo): TensorInfo {
    const i = this.made.lastIndexOf(out)
    if (i >= 0) this.made.splice(i, 1)
    return out
  }

  /** Frees all intermediates (Reshape shares buffers, so refcounts do the rest). */
  dispose(): void {
    for (const t of this.made) this.backend.disposeData(t.dataId)
    this.made.length = 0
  }
}

/**
 * Runs `body` with a fresh scope and returns its result alive. If the result is
 * one of the kernel's own inputs (a no-op path), it goes through Identity, so
 * that the engine gets a reference of its own to release.
 */
export function withScope(backend: BackendWasm, inputs: TensorInfo[], body: (s: WasmScope) => TensorInfo): TensorInfo {
  const scope = new WasmScope(backend)
  try {
    let out = body(scope)
    if (inputs.some((x) => x.dataId === out.dataId)) out = scope.run('Identity', { x: out })
    return scope.keep(out)
  } finally {
    scope.dispose()
  }
}

/**
 * The same transpose on fewer axes: size-1 axes dropped, and input axes
 * that follow each other in `perm` merged into one.
 */
export function mergeAxes(inShape: readonly number[], perm: readonly number[]): { shape: number[]; order: number[] } {
  const kept = perm.filter((axis) => inShape[axis] !== 1)
  const groups: number[][] = []
  for (const axis of kept) {
    const last = groups[groups.length - 1]
    if (last && last[last.length - 1] === axis - 1) last.push(axis)
    else groups.push([axis])
  }
  // Groups in input order give the merged input shape; their rank in `perm` the new order.
  const byInput = [...groups].sort((a, b) => a[0] - b[0])
  const shape = byInput.map((group) => group.reduce((size, axis) => size * inShape[axis], 1))
  const order = groups.map((group) => byInput.indexOf(group))
  return { shape, order }
}

/** Copies the window [begin, begin+size) of a row-major `src` into `dst`. */
export function copyWindow(src: Float32Array, shape: readonly number[], begin: readonly number[], size: readonly number[], dst: Float32Array): void {
  // Trailing axes taken whole merge into one contiguous run.
  let inner = shape.length - 1
  let run = size[inner]
  while (inner > 0 && size[inner] === shape[inner]) run *= size[--inner]
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1))
  const counts = size.slice(0, inner)
  const index = counts.map(() => 0)
  const total = counts.reduce((a, b) => a * b, 1)
  let offset = 0
  for (let i = 0; i < total; i++) {
    let start = begin[inner] * strides[inner]
    for (let axis = 0; axis < inner; axis++) start += (begin[axis] + index[axis]) * strides[axis]
    dst.set(src.subarray(start, start + run), offset)
    offset += run
    for (let axis = inner - 1; axis >= 0 && ++index[axis] === counts[axis]; axis--) index[axis] = 0
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}
