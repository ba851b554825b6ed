// The two depthwise-convolution gradients, which wasm lacks.
//   forward: y[n, o, c*m + j] = sum_k x[n, o*s + k*d - pad, c] * w[k, c, j]
import {
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type TensorInfo
} from '@tensorflow/tfjs-core'
import { convGeometry } from './conv-geometry.ts'
import { depthwisePhaseFilter, planAxis } from './transposed-conv.ts'
import { withScope, type WasmKernel, type WasmKernelArgs } from './wasm-scope.ts'

/**
 * dx as one stride-1 depthwise convolution of dy (the phase scheme of
 * transposed-conv.ts, phases as the channel multiplier), a sum over the
 * multiplier, and a pixel shuffle.
 */
export const depthwiseBackpropInputKernel: WasmKernel = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  kernelFunc: (args: WasmKernelArgs<{ dy: TensorInfo; filter: TensorInfo }, DepthwiseConv2dNativeBackpropInputAttrs>) => {
    const {
      inputs: { dy, filter },
      backend,
      attrs
    } = args
    const { info } = convGeometry(attrs.inputShape, filter.shape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true, 'NHWC', dy.shape)
    const [n, height, width, channels] = attrs.inputShape
    const multiplier = filter.shape[3]
    return withScope(backend, [dy, filter], (s) => {
      const py = planAxis(info.filterHeight, info.strideHeight, info.dilationHeight, info.padInfo.top, height, info.outHeight)
      const px = planAxis(info.filterWidth, info.strideWidth, info.dilationWidth, info.padInfo.left, width, info.outWidth)
      const phases = py.stride * px.stride
      const weights = depthwisePhaseFilter(s.view(filter), channels, multiplier, py, px)
      const phaseFilter = s.constant(weights, [py.window, px.window, channels * multiplier, phases])
      const padded = s.padOrCrop(dy, [[0, 0], py.padding, px.padding, [0, 0]])
      let out = s.run('DepthwiseConv2dNative', { x: padded, filter: phaseFilter }, { strides: 1, pad: 'valid', dilations: 1, dataFormat: 'NHWC' })
      // Channels are (c, j, ry, rx); sum out j, then move ry and rx into space.
      if (multiplier > 1) out = s.run('Sum', { x: s.reshape(out, [n, py.perPhase, px.perPhase, channels, multiplier, phases]) }, { axis: 4, keepDims: false })
      if (phases > 1) {
        const split = s.reshape(out, [n, py.perPhase, px.perPhase, channels, py.stride, px.stride])
        out = s.reshape(s.transpose(split, [0, 1, 4, 2, 5, 3]), [n, py.perPhase * py.stride, px.perPhase * px.stride, channels])
      } else {
        out = s.reshape(out, [n, py.perPhase, px.perPhase, channels])
      }
      return s.slice(out, [0, 0, 0, 0], [n, height, width, channels])
    })
  }
}

/**
 * dw per filter tap: the input window that tap reads, times dy, summed over
 * batch and positions (a leading-axes Sum, fast on wasm). Depthwise filters
 * are small, so kh*kw elementwise passes cost little next to the convolutions.
 */
export const depthwiseBackpropFilterKernel: WasmKernel = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  kernelFunc: (args: WasmKernelArgs<{ x: TensorInfo; dy: TensorInfo }, DepthwiseConv2dNativeBackpropFilterAttrs>) => {
    const {
      inputs: { x, dy },
      backend,
      attrs
    } = args
    const g = convGeometry(x.shape, attrs.filterShape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true, 'NHWC', dy.shape)
    const { info } = g
    const [kh, kw, channels, multiplier] = attrs.filterShape
    const positions = info.batchSize * info.outHeight * info.outWidth
    return withScope(backend, [x, dy], (s) => {
      const padded = s.padOrCrop(x, g.inputPaddings)
      const grads = s.reshape(dy, [positions, channels, multiplier])
      const taps: TensorInfo[] = []
      for (let a = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++) {
          const window = s.stridedWindow(
            padded,
            a * info.dilationHeight,
            b * info.dilationWidth,
            info.outHeight,
            info.outWidth,
            info.strideHeight,
            info.strideWidth
          )
          const product = s.run('Multiply', { a: s.reshape(window, [positions, channels, 1]), b: grads })
          taps.push(s.run('Sum', { x: product }, { axis: 0, keepDims: true }))
        }
      }
      const stacked = taps.length === 1 ? taps[0] : s.runList('Concat', taps, { axis: 0 })
      return s.reshape(stacked, [kh, kw, channels, multiplier])
    })
  }
}
