// Conv2DBackpropInput for wasm. wasm has one, but it is a plain loop at about
// 1.8 GFLOP/s against XNNPACK's 17-23 for the forward convolution; this one
// runs the gradient as a forward convolution (see transposed-conv.ts).
import { Conv2DBackpropInput, type Conv2DBackpropInputAttrs, type TensorInfo } from '@tensorflow/tfjs-core'
import { convGeometry, type ConvGeometry } from './conv-geometry.ts'
import { conv2dPhaseFilter, planAxis, type AxisPlan } from './transposed-conv.ts'
import { withScope, type WasmKernel, type WasmKernelArgs, type WasmScope } from './wasm-scope.ts'

export function inputGradByConv(s: WasmScope, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const { info } = g
  const py = planAxis(info.filterHeight, info.strideHeight, info.dilationHeight, info.padInfo.top, info.inHeight, info.outHeight)
  const px = planAxis(info.filterWidth, info.strideWidth, info.dilationWidth, info.padInfo.left, info.inWidth, info.outWidth)
  const phases = py.stride * px.stride
  // Built on the host from a view of the heap: the filter is small, and the
  // view must be read before anything new is allocated (the heap may move).
  const weights = conv2dPhaseFilter(s.view(filter), info.inChannels, info.outChannels, py, px)
  const phaseFilter = s.constant(weights, [py.window, px.window, info.outChannels, phases * info.inChannels])
  // Zero padding goes to the convolution itself (XNNPACK pads on the fly);
  // only a negative amount, rows no tap reaches, needs a crop first.
  const cropped = s.padOrCrop(
    dy,
    [[0, 0], py.padding, px.padding, [0, 0]].map(([a, b]) => [Math.min(a, 0), Math.min(b, 0)] as [number, number])
  )
  const pad = [[0, 0], py.padding, px.padding, [0, 0]].map(([a, b]) => [Math.max(a, 0), Math.max(b, 0)] as [number, number])
  const stacked = s.run('Conv2D', { x: cropped, filter: phaseFilter }, { strides: 1, pad, dilations: 1, dataFormat: 'NHWC' })
  const spread = phasesToSpace(s, stacked, py, px, info.inChannels)
  return s.slice(spread, [0, 0, 0, 0], [info.batchSize, info.inHeight, info.inWidth, info.inChannels])
}

/**
 * [N, Qy, Qx, sy*sx*C] with phase-major channels to [N, Qy*sy, Qx*sx, C].
 * (wasm's DepthToSpace does this too, but about 20x slower than Transpose.)
 */
export function phasesToSpace(s: WasmScope, x: TensorInfo, py: AxisPlan, px: AxisPlan, channels: number): TensorInfo {
  const [n, qy, qx] = x.shape
  if (py.stride === 1 && px.stride === 1) return x
  const split = s.reshape(x, [n, qy, qx, py.stride, px.stride, channels])
  const moved = s.transpose(split, [0, 1, 3, 2, 4, 5])
  return s.reshape(moved, [n, qy * py.stride, qx * px.stride, channels])
}

export const conv2dBackpropInputKernel: WasmKernel = {
  kernelName: Conv2DBackpropInput,
  kernelFunc: (args: WasmKernelArgs<{ dy: TensorInfo; filter: TensorInfo }, Conv2DBackpropInputAttrs>) => {
    const {
      inputs: { dy, filter },
      backend,
      attrs
    } = args
    const g = convGeometry(attrs.inputShape, filter.shape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, attrs.dataFormat, dy.shape)
    return withScope(backend, [dy, filter], (s) => inputGradByConv(s, dy, filter, g))
  }
}
