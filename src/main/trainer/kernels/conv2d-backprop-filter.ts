// Conv2DBackpropFilter for wasm, which lacks it (so tf.grad of conv2d fails).
//   dW[a,b,ci,co] = sum over n,oy,ox of x[n, oy*s + a*d - top, ox*s + b*d - left, ci] * dy[n,oy,ox,co]
// Measured alternative: the same sum as ONE forward Conv2D (input as
// [Cin,H,W,N], dy as an [Oh,Ow,N,Cout] filter, stride as dilation) needs no
// copies but runs XNNPACK at 8-16 GFLOP/s against 12-20 for the product
// below (WRN-28-2 layers, batch 16 and 64), about 5% of a whole step.
import { Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs, type TensorInfo } from '@tensorflow/tfjs-core'
import { convGeometry, type ConvGeometry } from './conv-geometry.ts'
import { withScope, type WasmKernel, type WasmKernelArgs, type WasmScope } from './wasm-scope.ts'

/** Upper bound on one im2col block, in floats (32 MB); larger problems go in row blocks. */
const MAX_BLOCK_FLOATS = 8 * 1024 * 1024

/**
 * The filter gradient as a matrix product, dW[(a,b,ci), co] = A x dy: A holds,
 * for every filter tap (a, b) and input channel ci, the input values that tap
 * reads, laid out in dy's (oy, ox, n) order. The input is first transposed to
 * [Cin, H, stride, W/stride, N] (one plane per column phase), so each (tap,
 * channel, output row) of A is ONE contiguous run of Ow*N values there and
 * A is built with plain copies. XNNPACK then multiplies at 18-22 GFLOP/s.
 * Tall problems go in blocks of output rows whose products are summed.
 */
export function filterGradByGemm(s: WasmScope, x: TensorInfo, dy: TensorInfo, g: ConvGeometry, maxBlockFloats = MAX_BLOCK_FLOATS): TensorInfo {
  const { info } = g
  const { filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info
  const { dilationHeight: dh, dilationWidth: dw, inChannels: cin, outChannels: cout, batchSize: n } = info
  const [top, left] = [g.inputPaddings[1], g.inputPaddings[2]]
  const width = x.shape[2] + left[0] + left[1]
  const right = left[1] + ((sw - (width % sw)) % sw)
  const padded = s.padOrCrop(x, [[0, 0], top, [left[0], right], [0, 0]])
  const [, hp, wp] = padded.shape
  const phaseWidth = wp / sw
  // Two rank-4 transposes: wasm's rank-5 one is ~40x slower.
  const channelsFirst = s.transpose(padded, [3, 1, 2, 0])
  const planes = sw === 1 ? channelsFirst : s.transpose(s.reshape(channelsFirst, [cin * hp, phaseWidth, sw, n]), [0, 2, 1, 3])
  const dyRows = s.transpose(dy, [1, 2, 0, 3])
  const run = ow * n
  const taps = kh * kw * cin
  const rowsPerBlock = Math.max(1, Math.min(oh, Math.floor(maxBlockFloats / (taps * run))))
  let grad: TensorInfo | undefined
  for (let firstRow = 0; firstRow < oh; firstRow += rowsPerBlock) {
    const rows = Math.min(rowsPerBlock, oh - firstRow)
    const columns = s.empty([1, taps, rows * run])
    const src = s.view(planes)
    const dst = s.view(columns)
    let offset = 0
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const phase = (b * dw) % sw
        const firstColumn = Math.floor((b * dw) / sw)
        for (let ci = 0; ci < cin; ci++) {
          for (let oy = firstRow; oy < firstRow + rows; oy++) {
            const start = (((ci * hp + oy * sh + a * dh) * sw + phase) * phaseWidth + firstColumn) * n
            dst.set(src.subarray(start, start + run), offset)
            offset += run
          }
        }
      }
    }
    const dyBlock = s.reshape(s.slice(dyRows, [firstRow, 0, 0, 0], [rows, ow, n, cout]), [1, rows * run, cout])
    const product = s.run('BatchMatMul', { a: columns, b: dyBlock }, { transposeA: false, transposeB: false })
    s.release(columns)
    grad = grad ? s.run('Add', { a: grad, b: product }) : product
  }
  return s.reshape(grad as TensorInfo, [kh, kw, cin, cout])
}

type FilterGradAttrs = Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] }

export const conv2dBackpropFilterKernel: WasmKernel = {
  kernelName: Conv2DBackpropFilter,
  kernelFunc: (args: WasmKernelArgs<{ x: TensorInfo; dy: TensorInfo }, FilterGradAttrs>) => {
    const {
      inputs: { x, dy },
      backend,
      attrs
    } = args
    const g = convGeometry(x.shape, attrs.filterShape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, false, attrs.dataFormat, dy.shape)
    return withScope(backend, [x, dy], (s) => filterGradByGemm(s, x, dy, g))
  }
}
