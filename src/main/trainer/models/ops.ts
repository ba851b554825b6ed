// Convolution and dense helpers shared by the models.
import * as tf from '@tensorflow/tfjs-core'

// PyTorch's padding=1 pads one pixel on every side, also at stride 2; TF's
// 'same' would pad (0, 1) there on even sizes and shift the sampling grid.
const PAD_ONE: [[number, number], [number, number], [number, number], [number, number]] = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0]
]

/** 3x3 convolution padded by 1 on every side; NHWC input, HWIO weight. */
export function conv3x3(x: tf.Tensor4D, weight: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.conv2d(x, weight, stride, PAD_ONE)
}

/** 1x1 convolution without padding (the WRN shortcut). */
export function conv1x1(x: tf.Tensor4D, weight: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.conv2d(x, weight, stride, 'valid')
}

/** Mean over height and width: global average pooling without AvgPoolGrad. */
export function globalMeanPool(x: tf.Tensor4D): tf.Tensor2D {
  return tf.mean(x, [1, 2]) as tf.Tensor2D
}

export function dense(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.add(tf.matMul(x, weight), bias)
}
