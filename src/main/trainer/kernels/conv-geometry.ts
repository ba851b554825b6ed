// The geometry of an NHWC 2-D convolution as the backprop kernels need it:
// tfjs's own Conv2DInfo (so 'same', 'valid', numbers, explicit pads and
// dimRoundingMode mean exactly what they mean in the forward op), plus the
// explicit paddings that make "output index o reads input o*stride + k*dilation".
import { backend_util } from '@tensorflow/tfjs-core'

export type PadAttr = 'valid' | 'same' | number | backend_util.ExplicitPadding
type Pair = number | [number, number]
type Rounding = 'floor' | 'round' | 'ceil' | undefined

export interface ConvGeometry {
  info: backend_util.Conv2DInfo
  /**
   * [before, after] per NHWC axis that turn the input into exactly the rows and
   * columns the output windows read: (out-1)*stride + effectiveFilter. A
   * negative `after` means rows no window reads, to be cropped.
   */
  inputPaddings: [number, number][]
}

export function convGeometry(
  inShape: readonly number[],
  filterShape: readonly number[],
  strides: Pair,
  dilations: Pair | undefined,
  pad: PadAttr,
  dimRoundingMode: Rounding,
  depthwise: boolean,
  dataFormat: 'NHWC' | 'NCHW' = 'NHWC',
  dyShape?: readonly number[]
): ConvGeometry {
  if (dataFormat !== 'NHWC') throw new Error(`wasm training kernels support NHWC only, got dataFormat ${dataFormat}`)
  const info = backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    depthwise
  )
  // dy's own size wins: tfjs's conv2d gradient drops dimRoundingMode, so with
  // 'ceil' the recomputed output can be a row short of the dy we are given.
  if (dyShape) {
    info.outHeight = dyShape[1]
    info.outWidth = dyShape[2]
    info.outShape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels]
  }
  const { top, left } = info.padInfo
  // Sized from the output, not the stated bottom/right pad: with 'ceil'
  // rounding the last window can reach past it, and with 'valid' or stride 2
  // trailing rows may be read by no window at all.
  const needH = (info.outHeight - 1) * info.strideHeight + info.effectiveFilterHeight
  const needW = (info.outWidth - 1) * info.strideWidth + info.effectiveFilterWidth
  return {
    info,
    inputPaddings: [
      [0, 0],
      [top, needH - info.inHeight - top],
      [left, needW - info.inWidth - left],
      [0, 0]
    ]
  }
}
