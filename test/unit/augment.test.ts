import { readdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Rng } from '../../src/shared/rng.ts'
import { loadFixture, type Fixture, type FixtureTensor } from '../../src/main/conformance/fixture.ts'
import { augmentOpCase, colorOpCase } from '../../src/main/conformance/kinds/augment.ts'
import {
  BatchAugmenter,
  RAND_AUGMENT_OPS,
  affine,
  applyOp,
  blurKernelSize,
  createImage8,
  createImageF,
  createPlan,
  cutoutRect,
  flipLeftRight,
  gaussianBlur,
  gaussianKernel1d,
  padReflectCrop,
  randAugment,
  reflectIndex,
  resolveRandAugmentOptions,
  resolveSimclrOptions,
  rgbToGrayscale,
  rotate,
  sampleSimclr,
  samplePlan,
  sharpness,
  simclrView,
  translateX,
  weakView,
  adjustHue,
  adjustContrast,
  createSimclrDraw,
  type Image8,
  type ImageF,
  type RandAugmentOp
} from '../../src/main/trainer/augment/index.ts'

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures')

function randomImage(rng: Rng, height: number, width: number, channels: number): Image8 {
  const img = createImage8(height, width, channels)
  for (let i = 0; i < img.data.length; i++) img.data[i] = rng.nextUint32() & 0xff
  return img
}

function randomImageF(rng: Rng, height: number, width: number, channels: number): ImageF {
  const img = createImageF(height, width, channels)
  for (let i = 0; i < img.data.length; i++) img.data[i] = rng.random()
  return img
}

/** A smooth, non-symmetric test picture (random noise hides geometric mistakes less well). */
function gradientImage(height: number, width: number, channels: number): Image8 {
  const img = createImage8(height, width, channels)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) img.data[(y * width + x) * channels + c] = (x * 7 + y * 3 + c * 40) % 256
    }
  }
  return img
}

function at(img: Image8, x: number, y: number, c = 0): number {
  return img.data[(y * img.width + x) * img.channels + c]
}

/** Element-wise equality without vitest's (slow, huge) diff of typed arrays. */
function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function tensor(shape: number[], dtype: FixtureTensor['dtype'], data: ArrayLike<number>): FixtureTensor {
  return { shape, dtype, data: Array.from(data) }
}

function syntheticFixture(
  kind: string,
  params: Record<string, unknown>,
  input: FixtureTensor,
  output: FixtureTensor,
  tolerance: Record<string, number>
): Fixture {
  return { name: 'synthetic', kind, params, inputs: { image: input }, expected: { image: output }, tolerance, dir: '/tmp', file: '/tmp/synthetic.json' }
}

describe('reference fixtures', () => {
  const files = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => loadFixture(path.join(FIXTURES, f), FIXTURES))
    .filter((fx) => fx.kind === 'augment_op' || fx.kind === 'color_op')

  it('finds the augment and colour fixtures', () => {
    expect(files.filter((fx) => fx.kind === 'augment_op').length).toBeGreaterThanOrEqual(17)
    expect(files.filter((fx) => fx.kind === 'color_op').length).toBeGreaterThanOrEqual(6)
  })

  for (const fx of files) {
    it(`${fx.name} passes`, async () => {
      const checks = await (fx.kind === 'augment_op' ? augmentOpCase : colorOpCase)(fx)
      expect(checks.length).toBeGreaterThan(0)
      for (const check of checks) expect(check.pass, `${fx.name}: ${check.detail ?? ''} worst ${check.worstAbs}`).toBe(true)
    })
  }

  it('rejects an unknown op, naming the op and the file', async () => {
    const img = tensor([2, 2, 3], 'uint8', new Array(12).fill(0))
    await expect(augmentOpCase(syntheticFixture('augment_op', { op: 'Wobble' }, img, img, {}))).rejects.toThrow(
      /Wobble.*synthetic\.json|synthetic\.json.*Wobble/
    )
    const f = tensor([2, 2, 3], 'float32', new Array(12).fill(0))
    await expect(colorOpCase(syntheticFixture('color_op', { op: 'adjust_gamma' }, f, f, { atol: 0.002 }))).rejects.toThrow(
      /adjust_gamma.*synthetic\.json|synthetic\.json.*adjust_gamma/
    )
  })

  it('accepts [H,W] uint8 images as one channel and NHWC batches', async () => {
    // Posterize to 2 bits keeps the top two bits: easy to state independently.
    const values = Array.from({ length: 5 * 7 }, (_, i) => (i * 37) % 256)
    const want = values.map((v) => v & 0xc0)
    const checks = await augmentOpCase(
      syntheticFixture('augment_op', { op: 'Posterize', bits: 2 }, tensor([5, 7], 'uint8', values), tensor([5, 7], 'uint8', want), { max_abs: 0 })
    )
    expect(checks.every((c) => c.pass)).toBe(true)
    // FlipLeftRight on two 2x3x1 images.
    const batch = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    const flipped = [3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10]
    const flipChecks = await augmentOpCase(
      syntheticFixture('augment_op', { op: 'FlipLeftRight' }, tensor([2, 2, 3, 1], 'uint8', batch), tensor([2, 2, 3, 1], 'uint8', flipped), { max_abs: 0 })
    )
    expect(flipChecks.every((c) => c.pass)).toBe(true)
  })

  it('fails a wrong answer (the handlers really compare)', async () => {
    const values = Array.from({ length: 4 * 4 * 3 }, (_, i) => (i * 11) % 256)
    const checks = await augmentOpCase(
      syntheticFixture(
        'augment_op',
        { op: 'Identity' },
        tensor([4, 4, 3], 'uint8', values),
        tensor(
          [4, 4, 3],
          'uint8',
          values.map((v) => 255 - v)
        ),
        { mean_abs: 1, max_abs: 3 }
      )
    )
    expect(checks[0].pass).toBe(false)
  })
})

describe('weak and strong views', () => {
  const shape = { height: 32, width: 32, channels: 3 }
  const size = 32 * 32 * 3

  function views(seed: number, count: number, options = {}): { weak: Float32Array; strong: Float32Array } {
    const data = new Uint8Array(count * size)
    const fill = new Rng(99)
    for (let i = 0; i < data.length; i++) data[i] = fill.nextUint32() & 0xff
    const weak = new Float32Array(count * size)
    const strong = new Float32Array(count * size)
    new BatchAugmenter(shape, options).weakStrong(data, count, new Rng(seed), weak, strong)
    return { weak, strong }
  }

  it('are deterministic for a seed and differ across seeds', () => {
    const a = views(7, 4)
    const b = views(7, 4)
    const c = views(8, 4)
    expect(sameValues(a.weak, b.weak)).toBe(true)
    expect(sameValues(a.strong, b.strong)).toBe(true)
    expect(sameValues(a.weak, c.weak)).toBe(false)
    expect(sameValues(a.strong, c.strong)).toBe(false)
  })

  it('strong view keeps the weak view crop and flip', () => {
    const { weak, strong } = views(3, 16, { randAugment: { ops: ['Identity'], cutoutFraction: 0 } })
    expect(sameValues(strong, weak)).toBe(true)
    // With the real pool the first image's weak view is the same (the
    // streams part only after its strong draws) and its strong view differs.
    const real = views(3, 16)
    expect(sameValues(real.weak.subarray(0, size), weak.subarray(0, size))).toBe(true)
    expect(sameValues(real.strong, real.weak)).toBe(false)
  })

  it('normalises with the per-channel mean and std and can hand back the bytes', () => {
    const mean = [0.4914, 0.4822, 0.4465]
    const std = [0.2471, 0.2435, 0.2616]
    const data = new Uint8Array(2 * size)
    const fill = new Rng(5)
    for (let i = 0; i < data.length; i++) data[i] = fill.nextUint32() & 0xff
    const weak = new Float32Array(2 * size)
    const strong = new Float32Array(2 * size)
    const weakBytes = new Uint8Array(2 * size)
    const strongBytes = new Uint8Array(2 * size)
    new BatchAugmenter(shape, { mean, std }).weakStrong(data, 2, new Rng(1), weak, strong, { weak: weakBytes, strong: strongBytes })
    let worst = 0
    for (let i = 0; i < weak.length; i++) {
      const c = i % 3
      worst = Math.max(worst, Math.abs(weak[i] - (weakBytes[i] / 255 - mean[c]) / std[c]), Math.abs(strong[i] - (strongBytes[i] / 255 - mean[c]) / std[c]))
    }
    expect(worst).toBeLessThan(1e-5)
    // The batch weak view equals the single-image weak view with the same stream.
    const single = createImage8(32, 32, 3)
    weakView({ data: data.subarray(0, size), ...shape }, single, new Rng(1))
    expect(Array.from(weakBytes.subarray(0, size))).toEqual(Array.from(single.data))
  })

  it('rejects buffers that are too small and mean/std of the wrong length', () => {
    const aug = new BatchAugmenter(shape)
    expect(() => aug.weakStrong(new Uint8Array(size), 2, new Rng(1), new Float32Array(2 * size), new Float32Array(2 * size))).toThrow(/images hold/)
    expect(() => aug.weak(new Uint8Array(size), 1, new Rng(1), new Float32Array(10))).toThrow(/out holds/)
    expect(() => new BatchAugmenter(shape, { mean: [0.5], std: [0.5] })).toThrow(/one per channel/)
  })

  it('cutout paints a 127 grey square of the right size', () => {
    const img = createImage8(32, 32, 3)
    img.data.fill(10)
    const rng = new Rng(11)
    let interior = 0
    for (let trial = 0; trial < 200; trial++) {
      const out = createImage8(32, 32, 3)
      const plan = randAugment(img, out, rng, { ops: ['Identity'] })
      const { x0, y0, x1, y1 } = plan.cutout
      // 16 px (= 0.5 * width) from the corner, both corners drawn (ImageDraw.rectangle).
      expect(x1 - x0).toBeLessThanOrEqual(16)
      expect(y1 - y0).toBeLessThanOrEqual(16)
      const right = Math.min(31, x1)
      const bottom = Math.min(31, y1)
      let grey = 0
      let wrong = 0
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const inside = x >= x0 && x <= right && y >= y0 && y <= bottom
          for (let c = 0; c < 3; c++) if (at(out, x, y, c) !== (inside ? 127 : 10)) wrong++
          if (inside) grey++
        }
      }
      expect(wrong).toBe(0)
      if (x0 > 0 && y0 > 0 && x1 < 32 && y1 < 32) {
        interior++
        expect(grey).toBe(17 * 17)
      }
    }
    expect(interior).toBeGreaterThan(10)
  })

  it('leaves the orientation alone when flips are disabled', () => {
    const img = gradientImage(32, 32, 3)
    const out = createImage8(32, 32, 3)
    for (let seed = 0; seed < 50; seed++) {
      weakView(img, out, new Rng(seed), { horizontalFlip: false, pad: 0 })
      expect(sameValues(out.data, img.data)).toBe(true)
    }
    // With flips on, about half come out mirrored.
    let flipped = 0
    const mirror = createImage8(32, 32, 3)
    flipLeftRight(img, mirror)
    for (let seed = 0; seed < 200; seed++) {
      weakView(img, out, new Rng(seed), { horizontalFlip: true, pad: 0 })
      if (sameValues(out.data, mirror.data)) flipped++
      else expect(sameValues(out.data, img.data)).toBe(true)
    }
    expect(flipped).toBeGreaterThan(70)
    expect(flipped).toBeLessThan(130)
  })

  it('crops inside the reflect-padded image with numpy reflect (edge not repeated)', () => {
    expect([-3, -2, -1, 0, 1, 4, 5, 6, 7].map((i) => reflectIndex(i, 5))).toEqual([3, 2, 1, 0, 1, 4, 3, 2, 1])
    const img = gradientImage(6, 5, 1)
    const out = createImage8(6, 5, 1)
    padReflectCrop(img, out, 2, 0, 0)
    // Output (0,0) is padded (-2,-2) -> input (2,2).
    expect(at(out, 0, 0)).toBe(at(img, 2, 2))
    expect(at(out, 1, 0)).toBe(at(img, 1, 2))
    // Fused flip == flip then crop.
    const flipped = createImage8(6, 5, 1)
    flipLeftRight(img, flipped)
    const a = createImage8(6, 5, 1)
    const b = createImage8(6, 5, 1)
    padReflectCrop(flipped, a, 2, 3, 1)
    padReflectCrop(img, b, 2, 3, 1, true)
    expect(b.data).toEqual(a.data)
  })
})

describe('RandAugment magnitudes', () => {
  it('stay in the study ranges over many draws (levels 1..m-1, never m)', () => {
    const rng = new Rng(2024)
    const options = resolveRandAugmentOptions({})
    const plan = createPlan(2)
    const levels = new Set<number>()
    const seenOps = new Map<RandAugmentOp, number>()
    const problems: string[] = []
    const check = (ok: boolean, what: string): void => {
      if (!ok && problems.length < 10) problems.push(what)
    }
    let applied = 0
    let total = 0
    for (let i = 0; i < 20000; i++) {
      samplePlan(rng, 32, 32, options, plan)
      for (const entry of plan.ops) {
        total++
        levels.add(entry.level)
        seenOps.set(entry.op, (seenOps.get(entry.op) ?? 0) + 1)
        check(entry.level >= 1 && entry.level <= 9, `level ${entry.level}`)
        if (!entry.applied) continue
        applied++
        const { op, level, value: v } = entry
        const what = `${op} level ${level} value ${v}`
        switch (op) {
          case 'Brightness':
          case 'Color':
          case 'Contrast':
          case 'Sharpness':
            check(Math.abs(v - (level * 0.09 + 0.05)) < 1e-9 && v >= 0.14 - 1e-9 && v <= 0.86 + 1e-9, what)
            break
          case 'Posterize':
            check(v >= 4 && v <= 7 && v === Math.trunc((level * 4) / 10) + 4, what)
            break
          case 'Rotate':
            check(Number.isInteger(v) && Math.abs(v) === 3 * level, what)
            break
          case 'ShearX':
          case 'ShearY':
            check(Math.abs(Math.abs(v) - 0.03 * level) < 1e-9, what)
            break
          case 'Solarize':
            check(v === 256 - Math.trunc((level * 256) / 10) && v >= 26 && v <= 231, what)
            break
          case 'TranslateX':
          case 'TranslateY':
            check(Number.isInteger(v) && Math.abs(v) === Math.trunc(((level * 0.3) / 10) * 32) && Math.abs(v) <= 8, what)
            break
          default:
            break
        }
      }
      const box = plan.cutout
      check(box.x0 >= 0 && box.y0 >= 0 && box.x1 <= 32 && box.y1 <= 32 && box.x1 - box.x0 <= 16 && box.y1 - box.y0 <= 16, `cutout ${JSON.stringify(box)}`)
    }
    expect(problems).toEqual([])
    expect([...levels].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(seenOps.size).toBe(14)
    for (const count of seenOps.values()) expect(count).toBeGreaterThan((total / 14) * 0.85)
    expect(applied / total).toBeGreaterThan(0.47)
    expect(applied / total).toBeLessThan(0.53)
  })

  it('signed ops take both directions', () => {
    const rng = new Rng(5)
    const options = resolveRandAugmentOptions({ ops: ['Rotate', 'ShearX', 'TranslateY'] })
    const plan = createPlan(2)
    let negative = 0
    let positive = 0
    for (let i = 0; i < 2000; i++) {
      samplePlan(rng, 32, 32, options, plan)
      for (const e of plan.ops) {
        if (!e.applied) continue
        if (e.value < 0) negative++
        else positive++
      }
    }
    expect(negative).toBeGreaterThan(0.4 * (negative + positive))
    expect(positive).toBeGreaterThan(0.4 * (negative + positive))
  })
})

describe('ops on other shapes', () => {
  const allOps = RAND_AUGMENT_OPS
  const params: Record<RandAugmentOp, number> = {
    AutoContrast: 0,
    Brightness: 0.41,
    Color: 1.7,
    Contrast: 0.32,
    Equalize: 0,
    Identity: 0,
    Posterize: 5,
    Rotate: -17,
    Sharpness: 1.45,
    ShearX: 0.21,
    ShearY: -0.12,
    Solarize: 100,
    TranslateX: -6,
    TranslateY: 4
  }

  it('run on 28x20x1 and agree with the same op on the grey image as RGB', () => {
    const rng = new Rng(17)
    const grey = randomImage(rng, 28, 20, 1)
    const rgb = createImage8(28, 20, 3)
    for (let i = 0; i < grey.data.length; i++) rgb.data.fill(grey.data[i], 3 * i, 3 * i + 3)
    for (const op of allOps) {
      const outGrey = createImage8(28, 20, 1)
      const outRgb = createImage8(28, 20, 3)
      applyOp(op, grey, outGrey, params[op])
      applyOp(op, rgb, outRgb, params[op])
      for (let i = 0; i < outGrey.data.length; i++) {
        if (outRgb.data[3 * i] !== outGrey.data[i]) throw new Error(`${op}: grey and RGB disagree at ${i}: ${outGrey.data[i]} vs ${outRgb.data[3 * i]}`)
      }
      // In place gives the same answer as into a fresh image.
      const inPlace = { ...grey, data: grey.data.slice() }
      applyOp(op, inPlace, inPlace, params[op])
      expect(inPlace.data, op).toEqual(outGrey.data)
    }
  })

  it('geometry on a non-square image follows PIL conventions', () => {
    const img = gradientImage(12, 9, 3)
    const out = createImage8(12, 9, 3)
    // TranslateX by +3: output x reads input x + 3, black past the edge.
    translateX(img, out, 3)
    expect(at(out, 0, 4, 1)).toBe(at(img, 3, 4, 1))
    expect(at(out, 8, 4, 1)).toBe(0)
    // Rotating by 180 is both flips.
    rotate(img, out, 180)
    expect(at(out, 0, 0, 2)).toBe(at(img, 8, 11, 2))
    // 360 degrees is the identity; so is the identity affine.
    rotate(img, out, 360)
    expect(out.data).toEqual(img.data)
    affine(img, out, [1, 0, 0, 0, 1, 0])
    expect(out.data).toEqual(img.data)
    // Counter-clockwise: the top-right area moves to the top-left on a square image.
    const square = gradientImage(8, 8, 1)
    const turned = createImage8(8, 8, 1)
    rotate(square, turned, 90)
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) expect(at(turned, x, y)).toBe(at(square, 7 - y, x))
    // A small rotation through the affine engine agrees with 90 degrees done by transposition.
    const viaAffine = createImage8(8, 8, 1)
    const radians = -(90 * (Math.PI / 180))
    const a = Number(Math.cos(radians).toFixed(15))
    const b = Number(Math.sin(radians).toFixed(15))
    affine(square, viaAffine, [a, b, -4 * a - 4 * b + 4, -b, a, 4 * b - 4 * a + 4])
    expect(viaAffine.data).toEqual(turned.data)
  })

  it('sharpness leaves the one-pixel border unchanged', () => {
    const img = randomImage(new Rng(3), 10, 7, 3)
    const out = createImage8(10, 7, 3)
    sharpness(img, out, 1.9)
    for (let y = 0; y < 10; y++) {
      for (let x = 0; x < 7; x++) {
        if (x > 0 && x < 6 && y > 0 && y < 9) continue
        for (let c = 0; c < 3; c++) expect(at(out, x, y, c)).toBe(at(img, x, y, c))
      }
    }
    expect(out.data).not.toEqual(img.data)
  })

  it('cutout clips to the image and takes per-channel fill', () => {
    const img = createImage8(5, 6, 3)
    const out = createImage8(5, 6, 3)
    cutoutRect(img, out, 4, -2, 9, 1, [1, 2, 3])
    expect(at(out, 5, 0, 2)).toBe(3)
    expect(at(out, 4, 1, 0)).toBe(1)
    expect(at(out, 3, 1, 0)).toBe(0)
    expect(at(out, 4, 2, 0)).toBe(0)
  })
})

describe('SimCLR views', () => {
  it('kernel size is int(0.1 * width), odd, at least 3', () => {
    expect([32, 28, 20, 50, 96, 100].map((w) => blurKernelSize(w, 0.1))).toEqual([3, 3, 3, 5, 9, 11])
  })

  it('draw factors in torchvision ranges and apply jitter and grey at about 0.8 and 0.2', () => {
    const rng = new Rng(8)
    const options = resolveSimclrOptions({})
    const draw = createSimclrDraw()
    let jitter = 0
    let grey = 0
    const n = 5000
    const problems: string[] = []
    for (let i = 0; i < n; i++) {
      sampleSimclr(rng, 32, options, draw)
      if (draw.jitter) {
        jitter++
        for (const f of [draw.brightness, draw.contrast, draw.saturation]) if (f < 0.2 || f > 1.8) problems.push(`factor ${f}`)
        if (Math.abs(draw.hue) > 0.2) problems.push(`hue ${draw.hue}`)
        if ([...draw.order].sort().join() !== '0,1,2,3') problems.push(`order ${draw.order}`)
      }
      if (draw.grayscale) grey++
      if (draw.sigma < 0.1 || draw.sigma > 2.0) problems.push(`sigma ${draw.sigma}`)
      if (draw.kernelSize !== 3) problems.push(`kernel ${draw.kernelSize}`)
    }
    expect(problems).toEqual([])
    expect(jitter / n).toBeGreaterThan(0.77)
    expect(jitter / n).toBeLessThan(0.83)
    expect(grey / n).toBeGreaterThan(0.17)
    expect(grey / n).toBeLessThan(0.23)
  })

  it('are deterministic, stay in [0,1] and work on one channel', () => {
    const base = randomImageF(new Rng(4), 28, 20, 3)
    const a = { ...base, data: base.data.slice() }
    const b = { ...base, data: base.data.slice() }
    simclrView(a, new Rng(9))
    simclrView(b, new Rng(9))
    expect(a.data).toEqual(b.data)
    expect(a.data).not.toEqual(base.data)
    expect(a.data.every((v) => v >= 0 && v <= 1 + 1e-6)).toBe(true)
    const grey = randomImageF(new Rng(4), 28, 20, 1)
    for (let seed = 0; seed < 20; seed++) {
      const g = { ...grey, data: grey.data.slice() }
      simclrView(g, new Rng(seed))
      expect(g.data.every((v) => Number.isFinite(v) && v >= -1e-6 && v <= 1 + 1e-6)).toBe(true)
    }
  })

  it('grayscale gives three equal channels; hue turns are periodic and keep grey', () => {
    const img = randomImageF(new Rng(6), 6, 5, 3)
    const out = createImageF(6, 5, 3)
    rgbToGrayscale(img, out)
    for (let i = 0; i < out.data.length; i += 3) {
      expect(out.data[i + 1]).toBe(out.data[i])
      expect(out.data[i + 2]).toBe(out.data[i])
    }
    const turned = createImageF(6, 5, 3)
    adjustHue(img, turned, 0.5)
    adjustHue(turned, turned, -0.5)
    for (let i = 0; i < img.data.length; i++) expect(turned.data[i]).toBeCloseTo(img.data[i], 5)
    const greyIn = createImageF(2, 2, 3)
    greyIn.data.set([0.3, 0.3, 0.3, 0.7, 0.7, 0.7, 0, 0, 0, 1, 1, 1])
    const greyOut = createImageF(2, 2, 3)
    adjustHue(greyIn, greyOut, 0.3)
    expect(greyOut.data).toEqual(greyIn.data)
  })

  it('contrast on one channel blends with the plain mean', () => {
    const img = createImageF(1, 4, 1)
    img.data.set([0, 0.2, 0.4, 0.6])
    const out = createImageF(1, 4, 1)
    adjustContrast(img, out, 0.5)
    expect(Array.from(out.data).map((v) => Number(v.toFixed(6)))).toEqual([0.15, 0.25, 0.35, 0.45])
  })

  it('blur matches a direct 2-D reflect-padded convolution for larger kernels and odd shapes', () => {
    const cases = [
      { h: 9, w: 13, c: 3, kx: 5, ky: 7, sx: 1.3, sy: 0.8 },
      { h: 28, w: 20, c: 1, kx: 3, ky: 3, sx: 0.4, sy: 0.4 },
      { h: 11, w: 6, c: 3, kx: 9, ky: 5, sx: 2.0, sy: 1.1 }
    ]
    for (const { h, w, c, kx, ky, sx, sy } of cases) {
      const img = randomImageF(new Rng(h * w), h, w, c)
      const out = createImageF(h, w, c)
      gaussianBlur(img, out, kx, ky, sx, sy)
      const gx = gaussianKernel1d(kx, sx)
      const gy = gaussianKernel1d(ky, sy)
      let worst = 0
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          for (let ch = 0; ch < c; ch++) {
            let want = 0
            for (let ty = 0; ty < ky; ty++) {
              for (let tx = 0; tx < kx; tx++) {
                const sxi = reflectIndex(x + tx - (kx - 1) / 2, w)
                const syi = reflectIndex(y + ty - (ky - 1) / 2, h)
                want += gy[ty] * gx[tx] * img.data[(syi * w + sxi) * c + ch]
              }
            }
            worst = Math.max(worst, Math.abs(out.data[(y * w + x) * c + ch] - want))
          }
        }
      }
      expect(worst).toBeLessThan(1e-5)
    }
  })

  it('batch SimCLR views are normalised and differ between two calls', () => {
    const shape = { height: 20, width: 28, channels: 3 }
    const size = 20 * 28 * 3
    const data = new Uint8Array(3 * size)
    const fill = new Rng(1)
    for (let i = 0; i < data.length; i++) data[i] = fill.nextUint32() & 0xff
    const aug = new BatchAugmenter(shape, { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] })
    const rng = new Rng(3)
    const first = new Float32Array(3 * size)
    const second = new Float32Array(3 * size)
    aug.simclr(data, 3, rng, first)
    aug.simclr(data, 3, rng, second)
    expect(sameValues(first, second)).toBe(false)
    expect(first.every((v) => v >= -2 - 1e-5 && v <= 2 + 1e-5)).toBe(true)
    // Same stream through the single-image path gives the same values.
    const single = createImageF(20, 28, 3)
    for (let i = 0; i < size; i++) single.data[i] = data[i] / 255
    simclrView(single, new Rng(3))
    let worst = 0
    for (let i = 0; i < size; i++) worst = Math.max(worst, Math.abs(first[i] - (single.data[i] - 0.5) / 0.25))
    expect(worst).toBeLessThan(1e-4)
  })
})
