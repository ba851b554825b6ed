// uint8 HWC pixels -> the float input the model sees: (pixel/255 - mean) / std per channel.

export interface Normalization {
  mean: number[]
  std: number[]
}

export function normalizeImages(pixels: Uint8Array, channels: number, norm: Normalization, out = new Float32Array(pixels.length)): Float32Array {
  const scale = new Float32Array(channels)
  const shift = new Float32Array(channels)
  for (let c = 0; c < channels; c++) {
    scale[c] = 1 / (255 * norm.std[c])
    shift[c] = norm.mean[c] / norm.std[c]
  }
  for (let i = 0, c = 0; i < pixels.length; i++) {
    out[i] = pixels[i] * scale[c] - shift[c]
    if (++c === channels) c = 0
  }
  return out
}
