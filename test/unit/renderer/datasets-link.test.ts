// The Datasets view's address and the words and boxes of the augmentation preview.
import { describe, expect, it } from 'vitest'
import type { AugmentPreviewView } from '../../../src/shared/api.ts'
import { changedFrom, datasetsLink, parseDatasetsQuery } from '../../../src/renderer/src/datasets/link.ts'
import { cutoutStyle, opLines, simclrLine } from '../../../src/renderer/src/datasets/augment-words.ts'
import { toBase64, UPLOAD_PIECE_BYTES } from '../../../src/renderer/src/datasets/upload.ts'
import { COMMANDS } from '../../../src/shared/api.ts'

type Item = AugmentPreviewView['items'][number]
const image = { width: 32, height: 32, channels: 3 as const, pixels: '' }
const item = (cutout: Item['cutout']): Item => ({
  datasetIndex: 1,
  className: 'cat',
  original: image,
  weak: image,
  weakDraw: { flip: true, cropX: 1, cropY: 2 },
  strong: image,
  ops: [
    { op: 'Rotate', level: 7, applied: true, value: -21 },
    { op: 'Color', level: 3, applied: false, value: 0 }
  ],
  cutout,
  simclr: [image, image],
  simclrDraws: []
})

describe('datasets address', () => {
  it('round-trips a preset and a config through the hash', () => {
    const link = datasetsLink({ preset: 'cifar10-40', config: { seed: 3, labelsPerClass: 25 } })
    expect(link.startsWith('#/datasets?')).toBe(true)
    expect(parseDatasetsQuery(link)).toEqual({ preset: 'cifar10-40', config: { seed: 3, labelsPerClass: 25 } })
    expect(datasetsLink({ preset: null, config: {} })).toBe('#/datasets')
  })

  it('takes a hand-edited config that is not a JSON object as none', () => {
    expect(parseDatasetsQuery('#/datasets?config=%5B1%5D&preset=x')).toEqual({ preset: 'x', config: {} })
    expect(parseDatasetsQuery('#/datasets?config=%7Bbroken')).toEqual({ preset: null, config: {} })
  })

  it('keeps only the keys that differ from the preset', () => {
    expect(changedFrom({ seed: 1, lr: 0.03, dataset: 'mnist' }, { seed: 2, lr: 0.03, dataset: 'mnist' })).toEqual({ seed: 2 })
  })
})

describe('augmentation preview words', () => {
  it('lists applied ops with their parameter and skipped ones as skipped', () => {
    expect(opLines(item(null))).toEqual([
      { text: 'Rotate level 7 (-21)', applied: true },
      { text: 'Color level 3: skipped (coin)', applied: false }
    ])
  })

  it('outlines the Cutout box with inclusive corners, clipped to the image', () => {
    // the study's box runs to x0 + size, which may be the image's width: the last column is 31
    expect(cutoutStyle(item({ x0: 20, y0: 4, x1: 32, y1: 20 }), 3)).toEqual({ left: '60px', top: '12px', width: '36px', height: '51px' })
    expect(cutoutStyle(item(null), 3)).toBeNull()
  })

  it('names the SimCLR jitter in the order it was applied', () => {
    const draw = {
      jitter: true,
      order: ['hue', 'brightness'] as ('hue' | 'brightness')[],
      brightness: 1.2,
      contrast: 1,
      saturation: 1,
      hue: 0.05,
      grayscale: true,
      kernelSize: 3,
      sigma: 0.5
    }
    expect(simclrLine({ ...draw, order: ['hue', 'brightness', 'contrast', 'saturation'] })).toBe(
      'jitter hue 0.05, brightness 1.2, contrast 1, saturation 1; grey; blur 3px sigma 0.5'
    )
  })
})

describe('upload pieces', () => {
  it('encode a whole piece as base64 the service decodes, within what datasets/upload takes', () => {
    const piece = Uint8Array.from({ length: UPLOAD_PIECE_BYTES }, (_, i) => (i * 31 + (i >> 8)) & 255)
    const text = toBase64(piece)
    expect(Uint8Array.from(atob(text), (c) => c.charCodeAt(0))).toEqual(piece)
    expect(COMMANDS['datasets/upload'].request.safeParse({ uploadId: 'abcdefgh', offset: 0, chunk: text }).success).toBe(true)
  })
})
