// One call per batch for the training loop: uint8 NHWC images in, normalised
// float32 NHWC views out ((x/255 - mean[c]) / std[c]), written into buffers the
// caller preallocates. All scratch lives in the augmenter and is reused.
import type { Rng } from '../../../shared/rng.ts'
import type { Image8, ImageF } from './image.ts'
import { createImage8, createImageF } from './image.ts'
import { padReflectCrop } from './geometry.ts'
import {
  applyPlan,
  copyPlan,
  createPlan,
  resolveRandAugmentOptions,
  samplePlan,
  type RandAugmentOptions,
  type RandAugmentPlan,
  type ResolvedRandAugmentOptions
} from './randaugment.ts'
import {
  resolveSimclrOptions,
  sampleSimclr,
  simclrColorProgram,
  SimclrScratch,
  type ResolvedSimclrOptions,
  type SimclrDraw,
  type SimclrOptions
} from './simclr.ts'
import { runColorProgram } from './color.ts'
import { gaussianBlurInto } from './blur.ts'
import { resolveWeakOptions, sampleWeak, type WeakDraw, type WeakOptions } from './weak.ts'

export interface ImageShape {
  height: number
  width: number
  channels: number
}

export interface BatchAugmentOptions {
  /** Per-channel mean and std in [0,1] units; default 0 and 1 (plain x/255). */
  mean?: readonly number[]
  std?: readonly number[]
  weak?: WeakOptions
  randAugment?: RandAugmentOptions
  simclr?: SimclrOptions
}

/** What weakStrong drew for one image: the weak crop and flip, then the RandAugment ops and the Cutout box on top. */
export interface StrongTrace {
  weak: WeakDraw
  randAugment: RandAugmentPlan
}

export class BatchAugmenter {
  readonly shape: ImageShape
  private readonly imageSize: number
  private readonly weakOptions: Required<WeakOptions>
  private readonly randOptions: ResolvedRandAugmentOptions
  private readonly simclrOptions: ResolvedSimclrOptions
  /** uint8 -> normalised float, 256 entries per channel. */
  private readonly byteLut: Float32Array
  /** uint8 -> [0,1] for the SimCLR path. */
  private readonly unitLut: Float32Array
  /** Normalisation as value*invStd + shift, folded into the blur's last pass. */
  private readonly invStd: Float64Array
  private readonly shift: Float64Array
  private readonly source: Image8
  private readonly weakImage: Image8
  private readonly strongImage: Image8
  private readonly floatImage: ImageF
  private readonly weakDraw: WeakDraw = { flip: false, cropX: 0, cropY: 0 }
  private readonly plan: RandAugmentPlan
  private readonly simclrScratch = new SimclrScratch()

  constructor(shape: ImageShape, options: BatchAugmentOptions = {}) {
    const { height, width, channels } = shape
    this.shape = { height, width, channels }
    this.source = createImage8(height, width, channels)
    this.weakImage = createImage8(height, width, channels)
    this.strongImage = createImage8(height, width, channels)
    this.floatImage = createImageF(height, width, channels)
    this.imageSize = height * width * channels
    this.weakOptions = resolveWeakOptions(options.weak)
    this.randOptions = resolveRandAugmentOptions(options.randAugment)
    this.simclrOptions = resolveSimclrOptions(options.simclr)
    this.plan = createPlan(this.randOptions.n)
    const mean = options.mean ?? new Array<number>(channels).fill(0)
    const std = options.std ?? new Array<number>(channels).fill(1)
    if (mean.length !== channels || std.length !== channels) {
      throw new Error(`mean and std need ${channels} values (one per channel), got ${mean.length} and ${std.length}`)
    }
    if (std.some((s) => !(s > 0))) throw new Error(`std values must be positive, got [${std.join(', ')}]`)
    this.invStd = Float64Array.from(std, (s) => 1 / s)
    this.shift = Float64Array.from(mean, (m, c) => -m / std[c])
    this.unitLut = Float32Array.from({ length: 256 }, (_, v) => v / 255)
    this.byteLut = new Float32Array(256 * channels)
    for (let c = 0; c < channels; c++) {
      for (let v = 0; v < 256; v++) this.byteLut[c * 256 + v] = (v / 255 - mean[c]) / std[c]
    }
  }

  /** Weak views only (e.g. the labeled batch); `bytesOut` also receives the uint8 views. */
  weak(images: Uint8Array, count: number, rng: Rng, out: Float32Array, bytesOut?: Uint8Array): void {
    this.checkBatch(images, count, out, 'out')
    if (bytesOut) this.checkBytes(bytesOut, count, 'bytesOut')
    const size = this.imageSize
    for (let n = 0; n < count; n++) {
      this.weakInto(images, n * size, rng)
      this.writeBytes(this.weakImage.data, out, n * size)
      bytesOut?.set(this.weakImage.data, n * size)
    }
  }

  /**
   * Weak view and, on top of it, the strong view of every image (both share
   * crop and flip). `bytes` optionally receives the uint8 views as well (e.g.
   * to take SimCLR views of them without undoing the normalisation). `trace`
   * optionally receives a copy of each image's draws; it reads them after they
   * are drawn and takes nothing from `rng`, so the views are the same with or without it.
   */
  weakStrong(
    images: Uint8Array,
    count: number,
    rng: Rng,
    weakOut: Float32Array,
    strongOut: Float32Array,
    bytes?: { weak?: Uint8Array; strong?: Uint8Array },
    trace?: StrongTrace[]
  ): void {
    this.checkBatch(images, count, weakOut, 'weakOut')
    this.checkBatch(images, count, strongOut, 'strongOut')
    if (bytes?.weak) this.checkBytes(bytes.weak, count, 'bytes.weak')
    if (bytes?.strong) this.checkBytes(bytes.strong, count, 'bytes.strong')
    const size = this.imageSize
    const strong = this.strongImage
    const { width, height } = this.shape
    for (let n = 0; n < count; n++) {
      this.weakInto(images, n * size, rng)
      this.writeBytes(this.weakImage.data, weakOut, n * size)
      bytes?.weak?.set(this.weakImage.data, n * size)
      strong.data.set(this.weakImage.data)
      samplePlan(rng, width, height, this.randOptions, this.plan)
      applyPlan(strong, this.plan, this.randOptions.cutoutFill)
      trace?.push({ weak: { ...this.weakDraw }, randAugment: copyPlan(this.plan) })
      this.writeBytes(strong.data, strongOut, n * size)
      bytes?.strong?.set(strong.data, n * size)
    }
  }

  /** One SimCLR view of every image (call twice for two views); `trace` optionally receives a copy of each image's draw. */
  simclr(images: Uint8Array, count: number, rng: Rng, out: Float32Array, trace?: SimclrDraw[]): void {
    this.checkBatch(images, count, out, 'out')
    const size = this.imageSize
    const img = this.floatImage
    const f = img.data
    const unit = this.unitLut
    const scratch = this.simclrScratch
    for (let n = 0; n < count; n++) {
      const base = n * size
      for (let i = 0; i < size; i++) f[i] = unit[images[base + i]]
      const draw = sampleSimclr(rng, this.shape.width, this.simclrOptions, scratch.draw)
      trace?.push({ ...draw, order: draw.order.slice() })
      runColorProgram(img, img, simclrColorProgram(draw, scratch.program))
      gaussianBlurInto(img, out, base, draw.kernelSize, draw.kernelSize, draw.sigma, draw.sigma, scratch.blur, this.invStd, this.shift)
    }
  }

  private weakInto(images: Uint8Array, offset: number, rng: Rng): void {
    this.source.data.set(images.subarray(offset, offset + this.imageSize))
    sampleWeak(rng, this.weakOptions, this.weakDraw)
    const d = this.weakDraw
    padReflectCrop(this.source, this.weakImage, this.weakOptions.pad, d.cropX, d.cropY, d.flip)
  }

  private writeBytes(bytes: Uint8Array, out: Float32Array, offset: number): void {
    const lut = this.byteLut
    if (this.shape.channels === 3) {
      for (let i = 0; i < bytes.length; i += 3) {
        out[offset + i] = lut[bytes[i]]
        out[offset + i + 1] = lut[256 + bytes[i + 1]]
        out[offset + i + 2] = lut[512 + bytes[i + 2]]
      }
    } else {
      for (let i = 0; i < bytes.length; i++) out[offset + i] = lut[bytes[i]]
    }
  }

  private checkBytes(bytes: Uint8Array, count: number, name: string): void {
    if (bytes.length < count * this.imageSize) throw new Error(`${name} holds ${bytes.length} values, ${count * this.imageSize} needed`)
  }

  private checkBatch(images: Uint8Array, count: number, out: Float32Array, outName: string): void {
    if (!Number.isInteger(count) || count < 0) throw new Error(`batch count must be a non-negative integer, got ${count}`)
    const need = count * this.imageSize
    const { height, width, channels } = this.shape
    if (images.length < need) throw new Error(`images hold ${images.length} values, ${count}x${height}x${width}x${channels} = ${need} needed`)
    if (out.length < need) throw new Error(`${outName} holds ${out.length} values, ${need} needed`)
  }
}
