// Decoding one PNG or JPEG file to 8-bit RGB, and resizing RGB images.
// The format comes from the file's first bytes, not its extension.
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'

export interface RgbImage {
  width: number
  height: number
  /** width * height * 3 bytes, HWC. */
  rgb: Uint8Array
  /** True when every pixel has R = G = B. */
  gray: boolean
}

export type ResizeMethod = 'nearest' | 'bilinear'

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47]
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff]

/**
 * The most pixels an image may declare: 4096x4096. A small compressed file can
 * declare a huge picture (10000x10000 decodes to 400 MB of RGBA), and a folder's
 * images are held at full size; anything larger is refused before decoding.
 */
export const MAX_IMAGE_PIXELS = 4096 * 4096

/**
 * The size a PNG (IHDR) or JPEG (its SOF segment) declares, read from the
 * header alone; undefined when the header does not say (the decoder then names the problem).
 */
export function declaredSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (startsWith(bytes, PNG_SIGNATURE)) {
    // 8-byte signature, then the first chunk: length (4), "IHDR", width (4), height (4)
    if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return undefined
    return { width: view.getUint32(16), height: view.getUint32(20) }
  }
  if (startsWith(bytes, JPEG_SIGNATURE)) {
    let at = 2
    while (at + 4 <= bytes.length) {
      if (bytes[at] !== 0xff) return undefined
      const marker = bytes[at + 1]
      if (marker === 0xff) {
        at++ // fill byte
        continue
      }
      if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        at += 2 // markers without a length
        continue
      }
      if (marker === 0xda || marker === 0xd9) return undefined // image data (or the end) before any frame header
      const length = view.getUint16(at + 2)
      // SOF0..SOF15 but DHT (c4), JPG (c8) and DAC (cc): length (2), precision (1), height (2), width (2)
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        if (at + 9 > bytes.length) return undefined
        return { width: view.getUint16(at + 7), height: view.getUint16(at + 5) }
      }
      at += 2 + length
    }
  }
  return undefined
}

/**
 * Decodes a PNG (any colour type or bit depth) or JPEG to RGB. Gray and
 * palette images expand to RGB; alpha is dropped (as PIL's convert('RGB')).
 * `where` names the file in errors. An image declaring more than `maxPixels`
 * is refused from its header, before anything is decoded.
 */
export function decodeImage(bytes: Uint8Array, where: string, maxPixels = MAX_IMAGE_PIXELS): RgbImage {
  const declared = declaredSize(bytes)
  if (declared && declared.width * declared.height > maxPixels) {
    throw new Error(
      `${where}: ${declared.width}x${declared.height} pixels is more than the ${maxPixels} pixels an image may have ` +
        `(${pixelLimitText(maxPixels)}); scale it down first`
    )
  }
  let width: number
  let height: number
  let rgba: Uint8Array
  try {
    if (startsWith(bytes, PNG_SIGNATURE)) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length))
      ;({ width, height } = png)
      rgba = png.data
    } else if (startsWith(bytes, JPEG_SIGNATURE)) {
      // Not tolerant: a damaged JPEG must fail, not decode to a partly grey picture.
      // its own resolution limit as a second guard, for a header the scan above did not read
      const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false, maxResolutionInMP: maxPixels / 1e6 })
      ;({ width, height } = decoded)
      rgba = decoded.data
    } else {
      throw new Error('neither a PNG nor a JPEG file')
    }
  } catch (err) {
    throw new Error(`${where}: cannot decode image (${(err as Error).message})`, { cause: err })
  }
  if (!(width > 0 && height > 0) || rgba.length < width * height * 4) {
    throw new Error(`${where}: cannot decode image (no pixel data)`)
  }
  const rgb = new Uint8Array(width * height * 3)
  let gray = true
  for (let p = 0; p < width * height; p++) {
    const r = rgba[4 * p]
    const g = rgba[4 * p + 1]
    const b = rgba[4 * p + 2]
    rgb[3 * p] = r
    rgb[3 * p + 1] = g
    rgb[3 * p + 2] = b
    if (r !== g || g !== b) gray = false
  }
  return { width, height, rgb, gray }
}

/**
 * Resizes an RGB image. Both methods sample at pixel centres (as
 * tf.image.resize with half_pixel_centers): 'nearest' takes the closest
 * source pixel, 'bilinear' interpolates the four around it. Neither
 * smooths first, so strong downscaling aliases.
 */
export function resizeRgb(image: RgbImage, height: number, width: number, method: ResizeMethod): Uint8Array {
  const { rgb: src, width: sw, height: sh } = image
  if (sw === width && sh === height) return src
  const out = new Uint8Array(width * height * 3)
  const scaleY = sh / height
  const scaleX = sw / width
  for (let y = 0; y < height; y++) {
    const sy = Math.min(sh - 1, Math.max(0, (y + 0.5) * scaleY - 0.5))
    const y0 = Math.floor(sy)
    const y1 = Math.min(y0 + 1, sh - 1)
    const fy = sy - y0
    const nearestY = Math.min(sh - 1, Math.floor((y + 0.5) * scaleY))
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3
      if (method === 'nearest') {
        const i = (nearestY * sw + Math.min(sw - 1, Math.floor((x + 0.5) * scaleX))) * 3
        out[o] = src[i]
        out[o + 1] = src[i + 1]
        out[o + 2] = src[i + 2]
        continue
      }
      const sx = Math.min(sw - 1, Math.max(0, (x + 0.5) * scaleX - 0.5))
      const x0 = Math.floor(sx)
      const x1 = Math.min(x0 + 1, sw - 1)
      const fx = sx - x0
      for (let c = 0; c < 3; c++) {
        const top = src[(y0 * sw + x0) * 3 + c] * (1 - fx) + src[(y0 * sw + x1) * 3 + c] * fx
        const bottom = src[(y1 * sw + x0) * 3 + c] * (1 - fx) + src[(y1 * sw + x1) * 3 + c] * fx
        out[o + c] = Math.round(top * (1 - fy) + bottom * fy)
      }
    }
  }
  return out
}

function pixelLimitText(maxPixels: number): string {
  const side = Math.sqrt(maxPixels)
  return Number.isInteger(side) ? `${side}x${side}` : `${(maxPixels / 1e6).toFixed(1)} megapixels`
}

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return signature.every((b, i) => bytes[i] === b)
}
