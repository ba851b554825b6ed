// Conformance for the augmentations: augment_op (PIL ops on uint8 HWC) and
// color_op (torchvision colour ops on float HWC in [0,1]). Images may be
// [H,W,C], [H,W] (one channel) or [N,H,W,C] (each image augmented alone).
import type { KindHandler } from './types.ts'
import { checkClose, checkImage, type Check } from '../compare.ts'
import { expected, FixtureFormatError, input, param, type Fixture, type FixtureTensor } from '../fixture.ts'
import type { Image8, ImageF } from '../../trainer/augment/image.ts'
import { applyOp, isRandAugmentOp, OP_PARAMETER } from '../../trainer/augment/ops.ts'
import { cutoutRect, flipLeftRight, padReflectCrop } from '../../trainer/augment/geometry.ts'
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, rgbToGrayscale } from '../../trainer/augment/color.ts'
import { gaussianBlur } from '../../trainer/augment/blur.ts'

interface Layout {
  count: number
  height: number
  width: number
  channels: number
}

function layoutOf(fx: Fixture, name: string, t: FixtureTensor): Layout {
  const s = t.shape
  if (s.length === 2) return { count: 1, height: s[0], width: s[1], channels: 1 }
  if (s.length === 3) return { count: 1, height: s[0], width: s[1], channels: s[2] }
  if (s.length === 4) return { count: s[0], height: s[1], width: s[2], channels: s[3] }
  throw new FixtureFormatError(`${fx.file}: ${name} must have shape [H,W], [H,W,C] or [N,H,W,C], got [${s}]`)
}

function numberParam(fx: Fixture, name: string, fallback?: number): number {
  const value = param<unknown>(fx, name, fallback)
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new FixtureFormatError(`${fx.file}: params.${name} must be a finite number, got ${JSON.stringify(value)}`)
  }
  return value
}

/** A number or an [x, y] pair (torchvision's kernel_size / sigma). */
function pairParam(fx: Fixture, name: string): [number, number] {
  const value = param<unknown>(fx, name)
  if (typeof value === 'number' && Number.isFinite(value)) return [value, value]
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return [value[0] as number, value[1] as number]
  }
  throw new FixtureFormatError(`${fx.file}: params.${name} must be a number or a pair of numbers, got ${JSON.stringify(value)}`)
}

function fillParam(fx: Fixture): number | number[] {
  const value = param<unknown>(fx, 'fill', 127)
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number' && Number.isFinite(v))) return value as number[]
  throw new FixtureFormatError(`${fx.file}: params.fill must be a number or a list of numbers, got ${JSON.stringify(value)}`)
}

/** Builds the per-image uint8 op for this fixture; throws on an unknown op. */
function uint8Op(fx: Fixture, op: string): (src: Image8, dst: Image8) => void {
  if (isRandAugmentOp(op)) {
    const name = OP_PARAMETER[op]
    const value = name === null ? 0 : numberParam(fx, name)
    return (src, dst) => applyOp(op, src, dst, value)
  }
  switch (op) {
    case 'FlipLeftRight':
      return (src, dst) => flipLeftRight(src, dst)
    case 'CutoutAbs': {
      const [x0, y0, x1, y1] = ['x0', 'y0', 'x1', 'y1'].map((n) => numberParam(fx, n))
      const fill = fillParam(fx)
      return (src, dst) => cutoutRect(src, dst, x0, y0, x1, y1, fill)
    }
    case 'PadReflectCrop': {
      const pad = numberParam(fx, 'pad')
      const cropX = numberParam(fx, 'crop_x')
      const cropY = numberParam(fx, 'crop_y')
      return (src, dst) => padReflectCrop(src, dst, pad, cropX, cropY)
    }
    default:
      throw new Error(`${fx.file}: unknown augment_op op "${op}"`)
  }
}

export const augmentOpCase: KindHandler = async (fx) => {
  const op = param<string>(fx, 'op')
  const run = uint8Op(fx, op)
  const imageIn = input(fx, 'image')
  const want = expected(fx, 'image')
  const { count, height, width, channels } = layoutOf(fx, 'inputs.image', imageIn)
  if (imageIn.data.some((v) => !Number.isInteger(v) || v < 0 || v > 255)) {
    throw new FixtureFormatError(`${fx.file}: inputs.image must hold uint8 values (integers 0..255)`)
  }
  const all = Uint8Array.from(imageIn.data)
  const got = new Uint8Array(all.length)
  const size = height * width * channels
  for (let n = 0; n < count; n++) {
    const src: Image8 = { data: all.subarray(n * size, (n + 1) * size), height, width, channels }
    const dst: Image8 = { data: got.subarray(n * size, (n + 1) * size), height, width, channels }
    run(src, dst)
  }
  return [checkImage('image', got, want.data, fx.tolerance)]
}

/** Builds the per-image float op; returns the output channel count too. */
function floatOp(fx: Fixture, op: string, channels: number): { outChannels: number; run: (src: ImageF, dst: ImageF) => void } {
  const same = { outChannels: channels }
  switch (op) {
    case 'adjust_brightness': {
      const f = numberParam(fx, 'factor')
      return { ...same, run: (s, d) => adjustBrightness(s, d, f) }
    }
    case 'adjust_contrast': {
      const f = numberParam(fx, 'factor')
      return { ...same, run: (s, d) => adjustContrast(s, d, f) }
    }
    case 'adjust_saturation': {
      const f = numberParam(fx, 'factor')
      return { ...same, run: (s, d) => adjustSaturation(s, d, f) }
    }
    case 'adjust_hue': {
      const f = fx.params.factor === undefined ? numberParam(fx, 'hue_factor') : numberParam(fx, 'factor')
      return { ...same, run: (s, d) => adjustHue(s, d, f) }
    }
    case 'rgb_to_grayscale': {
      // torchvision's default is one output channel.
      const outChannels = numberParam(fx, 'num_output_channels', 1)
      if (outChannels !== 1 && outChannels !== 3) {
        throw new FixtureFormatError(`${fx.file}: params.num_output_channels must be 1 or 3, got ${outChannels}`)
      }
      return { outChannels, run: (s, d) => rgbToGrayscale(s, d) }
    }
    case 'gaussian_blur': {
      const [kx, ky] = pairParam(fx, 'kernel_size')
      const [sx, sy] = pairParam(fx, 'sigma')
      const padding = param<string>(fx, 'padding', 'reflect')
      if (padding !== 'reflect') throw new FixtureFormatError(`${fx.file}: gaussian_blur supports padding "reflect" only, got ${JSON.stringify(padding)}`)
      return { ...same, run: (s, d) => gaussianBlur(s, d, kx, ky, sx, sy) }
    }
    default:
      throw new Error(`${fx.file}: unknown color_op op "${op}"`)
  }
}

export const colorOpCase: KindHandler = async (fx) => {
  const op = param<string>(fx, 'op')
  const imageIn = input(fx, 'image')
  const { count, height, width, channels } = layoutOf(fx, 'inputs.image', imageIn)
  const { outChannels, run } = floatOp(fx, op, channels)
  const want = expected(fx, 'image')
  const all = Float32Array.from(imageIn.data)
  const inSize = height * width * channels
  const outSize = height * width * outChannels
  const got = new Float32Array(count * outSize)
  for (let n = 0; n < count; n++) {
    const src: ImageF = { data: all.subarray(n * inSize, (n + 1) * inSize), height, width, channels }
    const dst: ImageF = { data: got.subarray(n * outSize, (n + 1) * outSize), height, width, channels: outChannels }
    run(src, dst)
  }
  const atol = fx.tolerance.atol ?? 0
  const rtol = fx.tolerance.rtol ?? 0
  const checks: Check[] = [checkClose('image', got, want.data, atol, rtol)]
  return checks
}
