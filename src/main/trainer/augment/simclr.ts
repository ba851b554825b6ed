// The SimCLR view of variant L on a float HWC image in [0,1]: ColorJitter
// (0.8, 0.8, 0.8, 0.2) with p 0.8, RandomGrayscale p 0.2 (3 channels out),
// then a Gaussian blur with kernel int(0.1 * width) (odd, >= 3) and sigma
// uniform in [0.1, 2.0], reflect padding. Runs in place.
import type { Rng } from '../../../shared/rng.ts'
import type { ImageF } from './image.ts'
import { ColorProgram, OP_BRIGHTNESS, OP_CONTRAST, OP_GRAYSCALE, OP_HUE, OP_SATURATION, runColorProgram } from './color.ts'
import { BlurScratch, gaussianBlur } from './blur.ts'

export interface SimclrOptions {
  brightness?: number
  contrast?: number
  saturation?: number
  hue?: number
  jitterProbability?: number
  grayscaleProbability?: number
  /** Blur kernel as a fraction of the width (int(f * width), made odd, at least 3). */
  blurKernelFraction?: number
  sigmaMin?: number
  sigmaMax?: number
}

export type ResolvedSimclrOptions = Required<SimclrOptions>

export function resolveSimclrOptions(options: SimclrOptions = {}): ResolvedSimclrOptions {
  const r = {
    brightness: options.brightness ?? 0.8,
    contrast: options.contrast ?? 0.8,
    saturation: options.saturation ?? 0.8,
    hue: options.hue ?? 0.2,
    jitterProbability: options.jitterProbability ?? 0.8,
    grayscaleProbability: options.grayscaleProbability ?? 0.2,
    blurKernelFraction: options.blurKernelFraction ?? 0.1,
    sigmaMin: options.sigmaMin ?? 0.1,
    sigmaMax: options.sigmaMax ?? 2.0
  }
  for (const key of ['brightness', 'contrast', 'saturation', 'jitterProbability', 'grayscaleProbability', 'blurKernelFraction'] as const) {
    if (!(r[key] >= 0)) throw new Error(`simclr.${key} must be >= 0, got ${r[key]}`)
  }
  if (!(r.hue >= 0 && r.hue <= 0.5)) throw new Error(`simclr.hue must be in [0, 0.5], got ${r.hue}`)
  if (!(r.sigmaMin > 0 && r.sigmaMax >= r.sigmaMin))
    throw new Error(`simclr sigma range must satisfy 0 < sigmaMin <= sigmaMax, got [${r.sigmaMin}, ${r.sigmaMax}]`)
  return r
}

/** int(fraction * width), made odd by +1 when even, at least 3. */
export function blurKernelSize(width: number, fraction: number): number {
  let k = Math.trunc(fraction * width)
  if (k % 2 === 0) k += 1
  return Math.max(3, k)
}

/** What one view drew, for tests and logging. */
export interface SimclrDraw {
  jitter: boolean
  /** Order of brightness(0), contrast(1), saturation(2), hue(3). */
  order: Int32Array
  brightness: number
  contrast: number
  saturation: number
  hue: number
  grayscale: boolean
  kernelSize: number
  sigma: number
}

export function createSimclrDraw(): SimclrDraw {
  return { jitter: false, order: Int32Array.of(0, 1, 2, 3), brightness: 1, contrast: 1, saturation: 1, hue: 0, grayscale: false, kernelSize: 3, sigma: 1 }
}

export class SimclrScratch {
  blur = new BlurScratch()
  draw = createSimclrDraw()
  program = new ColorProgram()
}

/** Draws one view in torchvision's order: apply coin, permutation, the four factors; grey coin; sigma. */
export function sampleSimclr(rng: Rng, width: number, options: ResolvedSimclrOptions, draw: SimclrDraw): SimclrDraw {
  draw.jitter = rng.random() < options.jitterProbability
  if (draw.jitter) {
    const order = draw.order
    for (let i = 0; i < 4; i++) order[i] = i
    rng.shuffle(order)
    draw.brightness = rng.uniform(Math.max(0, 1 - options.brightness), 1 + options.brightness)
    draw.contrast = rng.uniform(Math.max(0, 1 - options.contrast), 1 + options.contrast)
    draw.saturation = rng.uniform(Math.max(0, 1 - options.saturation), 1 + options.saturation)
    draw.hue = rng.uniform(-options.hue, options.hue)
  }
  draw.grayscale = rng.random() < options.grayscaleProbability
  draw.kernelSize = blurKernelSize(width, options.blurKernelFraction)
  draw.sigma = rng.uniform(options.sigmaMin, options.sigmaMax)
  return draw
}

const JITTER_OPS = [OP_BRIGHTNESS, OP_CONTRAST, OP_SATURATION, OP_HUE]

/** The colour part of a drawn view as a program (jitter in its order, then grey). */
export function simclrColorProgram(draw: SimclrDraw, program: ColorProgram): ColorProgram {
  program.clear()
  if (draw.jitter) {
    for (let i = 0; i < 4; i++) {
      const which = draw.order[i]
      const factor = which === 0 ? draw.brightness : which === 1 ? draw.contrast : which === 2 ? draw.saturation : draw.hue
      program.push(JITTER_OPS[which], factor)
    }
  }
  // Grayscale keeps the channel count (num_output_channels = input channels).
  if (draw.grayscale) program.push(OP_GRAYSCALE)
  return program
}

/** Applies a drawn view to `img` in place. */
export function applySimclr(img: ImageF, draw: SimclrDraw, scratch: SimclrScratch): void {
  runColorProgram(img, img, simclrColorProgram(draw, scratch.program))
  gaussianBlur(img, img, draw.kernelSize, draw.kernelSize, draw.sigma, draw.sigma, scratch.blur)
}

/** One SimCLR view of `img`, in place; returns what was drawn. */
export function simclrView(img: ImageF, rng: Rng, options: SimclrOptions = {}, scratch: SimclrScratch = new SimclrScratch()): SimclrDraw {
  const draw = sampleSimclr(rng, img.width, resolveSimclrOptions(options), scratch.draw)
  applySimclr(img, draw, scratch)
  return draw
}
