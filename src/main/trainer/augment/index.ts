// Public API of the augmentations (pure TypeScript on typed arrays): what the
// trainer, the conformance runner and the benchmarks use.
export * from './image.ts'
export { sharpness } from './enhance.ts'
export { affine, rotate, translateX, flipLeftRight, padReflectCrop, cutoutRect, reflectIndex } from './geometry.ts'
export { RAND_AUGMENT_OPS, applyOp, type RandAugmentOp } from './ops.ts'
export * from './randaugment.ts'
export * from './weak.ts'
export { adjustContrast, adjustHue, rgbToGrayscale } from './color.ts'
export { gaussianBlur, gaussianKernel1d } from './blur.ts'
export * from './simclr.ts'
export * from './batch.ts'
