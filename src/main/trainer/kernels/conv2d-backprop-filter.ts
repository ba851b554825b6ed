// Conv2DBackpropFilter for wasm, which lacks it (so tf.grad of conv2d fails).
//   dW[a,b,ci,co] = sum over n,oy,ox of x[n, oy*s + a*d - top, ox*s + b*d - left, ci] * dy[n,oy,ox,co]
import { Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs, type TensorInfo } from '@tensorflow/tfjs-core'
import { convGeometry, type ConvGeometry } from './conv-geometry.ts'
import { withScope, type WasmKernel, type WasmKernelArgs, type WasmScope } from './wasm-scope.ts'

/**
 * The filter gradient as a forward convolution (XNNPACK does those fast): the
 * input seen as [Cin, H, W, N] convolved with dy seen as an [Oh, Ow, N, Cout]
 * "filter", the forward stride as its dilation and the forward dilation as its
 * stride, gives [Cin, kh, kw, Cout].
 */
export function filterGradByConv(s: WasmScope, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const { info } = g
  const input = s.transpose(s.padOrCrop(x, g.inputPaddings), [3, 1, 2, 0])
  const filter = s.transpose(dy, [1, 2, 0, 3])
  const grad = s.run('Conv2D', { x: input, filter }, {
    strides: [info.dilationHeight, info.dilationWidth],
    dilations: [info.strideHeight, info.strideWidth],
    pad: 'valid',
    dataFormat: 'NHWC'
  })
  return s.transpose(grad, [1, 2, 0, 3])
}

/**
 * The filter gradient as one matrix product: the kh*kw shifted (and strided)
 * windows of the input side by side as columns [N*Oh*Ow, kh*kw*Cin], times dy
 * as [N*Oh*Ow, Cout], transposed on the left.
 */
export function filterGradByIm2col(s: WasmScope, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const { info } = g
  const xp = s.padOrCrop(x, g.inputPaddings)
  const { batchSize: n, outHeight: oh, outWidth: ow, inChannels: cin, outChannels: cout } = info
  const rows = (oh - 1) * info.strideHeight + 1
  const cols = (ow - 1) * info.strideWidth + 1
  const windows: TensorInfo[] = []
  for (let a = 0; a < info.filterHeight; a++) {
    for (let b = 0; b < info.filterWidth; b++) {
      const top = a * info.dilationHeight
      const left = b * info.dilationWidth
      windows.push(
        info.strideHeight === 1 && info.strideWidth === 1
          ? s.slice(xp, [0, top, left, 0], [n, rows, cols, cin])
          : s.run('StridedSlice', { x: xp }, {
              begin: [0, top, left, 0],
              end: [n, top + rows, left + cols, cin],
              strides: [1, info.strideHeight, info.strideWidth, 1],
              beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0
            })
      )
    }
  }
  const patches = windows.length === 1 ? windows[0] : s.runList('Concat', windows, { axis: 3 })
  const a = s.reshape(patches, [n * oh * ow, info.filterHeight * info.filterWidth * cin])
  const b = s.reshape(dy, [n * oh * ow, cout])
  const grad = s.run('BatchMatMul', { a, b }, { transposeA: true, transposeB: false })
  return s.reshape(grad, [info.filterHeight, info.filterWidth, cin, cout])
}

type FilterGradAttrs = Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] }

export const conv2dBackpropFilterKernel: WasmKernel = {
  kernelName: Conv2DBackpropFilter,
  kernelFunc: (args: WasmKernelArgs<{ x: TensorInfo; dy: TensorInfo }, FilterGradAttrs>) => {
    const { inputs: { x, dy }, backend, attrs } = args
    const g = convGeometry(x.shape, attrs.filterShape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, false, attrs.dataFormat, dy.shape)
    return withScope(backend, [x, dy], (s) => filterGradByConv(s, x, dy, g))
  }
}
