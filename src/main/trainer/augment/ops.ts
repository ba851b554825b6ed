// The op vocabulary: the study's 14 RandAugment ops by name, each applied with
// its own natural parameter (factor, bits, threshold, degrees, shear, pixels).
import type { Image8 } from './image.ts'
import { brightness, color, contrast, sharpness } from './enhance.ts'
import { autocontrast, equalize, posterize, solarize } from './imageops.ts'
import { rotate, shearX, shearY, translateX, translateY } from './geometry.ts'

export const RAND_AUGMENT_OPS = [
  'AutoContrast',
  'Brightness',
  'Color',
  'Contrast',
  'Equalize',
  'Identity',
  'Posterize',
  'Rotate',
  'Sharpness',
  'ShearX',
  'ShearY',
  'Solarize',
  'TranslateX',
  'TranslateY'
] as const

export type RandAugmentOp = (typeof RAND_AUGMENT_OPS)[number]

/** Name of the parameter each op takes (as the fixtures call it), or null. */
export const OP_PARAMETER: Readonly<Record<RandAugmentOp, string | null>> = {
  AutoContrast: null,
  Brightness: 'factor',
  Color: 'factor',
  Contrast: 'factor',
  Equalize: null,
  Identity: null,
  Posterize: 'bits',
  Rotate: 'degrees',
  Sharpness: 'factor',
  ShearX: 'shear',
  ShearY: 'shear',
  Solarize: 'threshold',
  TranslateX: 'pixels',
  TranslateY: 'pixels'
}

export function isRandAugmentOp(name: string): name is RandAugmentOp {
  return (RAND_AUGMENT_OPS as readonly string[]).includes(name)
}

/** Applies one op with its parameter (ignored by parameterless ops). dst may be src. */
export function applyOp(op: RandAugmentOp, src: Image8, dst: Image8, value: number): void {
  switch (op) {
    case 'AutoContrast':
      return autocontrast(src, dst)
    case 'Brightness':
      return brightness(src, dst, value)
    case 'Color':
      return color(src, dst, value)
    case 'Contrast':
      return contrast(src, dst, value)
    case 'Equalize':
      return equalize(src, dst)
    case 'Identity':
      if (dst.data !== src.data) dst.data.set(src.data)
      return
    case 'Posterize':
      return posterize(src, dst, value)
    case 'Rotate':
      return rotate(src, dst, value)
    case 'Sharpness':
      return sharpness(src, dst, value)
    case 'ShearX':
      return shearX(src, dst, value)
    case 'ShearY':
      return shearY(src, dst, value)
    case 'Solarize':
      return solarize(src, dst, value)
    case 'TranslateX':
      return translateX(src, dst, value)
    case 'TranslateY':
      return translateY(src, dst, value)
  }
}
