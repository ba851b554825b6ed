import { mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { declaredSize, decodeImage, MAX_IMAGE_PIXELS, resizeRgb } from '../../src/main/data/image-decode.ts'
import { loadImageFolder } from '../../src/main/data/image-folder.ts'
import { loadDataset } from '../../src/main/data/index.ts'
import { rgbaImage, tempDir } from './data-helpers.ts'

let work: string
beforeAll(async () => {
  work = await tempDir('folders')
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

type Color = (x: number, y: number) => [number, number, number]

async function writePng(path: string, width: number, height: number, color: Color, colorType: 0 | 2 | 6 = 2) {
  const png = new PNG({ width, height })
  png.data = rgbaImage(width, height, color)
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, PNG.sync.write(png, { colorType }))
}

async function writeJpeg(path: string, width: number, height: number, color: Color) {
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, jpeg.encode({ width, height, data: rgbaImage(width, height, color) }, 95).data)
}

// Exact colours for PNGs: red channel = class marker, green = image number, blue = x + y.
const marker =
  (classIndex: number, n: number): Color =>
  (x, y) => [classIndex * 100, n * 10, x + y]

async function makeFolder(name: string, perClass = 5): Promise<string> {
  const root = join(work, name)
  for (const [c, cls] of ['cat', 'dog'].entries()) {
    for (let n = 0; n < perClass; n++) await writePng(join(root, cls, `img${n}.png`), 8, 6, marker(c, n))
  }
  return root
}

describe('image folders', () => {
  it('loads one class per sub-folder, holding out a seeded share per class', async () => {
    const root = await makeFolder('basic')
    const progress: number[] = []
    const dataset = await loadDataset({ name: 'folder', path: root }, { homeDir: work, onProgress: (p) => progress.push(p.done) })
    expect(dataset.name).toBe('folder:basic')
    expect(dataset.classNames).toEqual(['cat', 'dog'])
    expect([dataset.height, dataset.width, dataset.channels]).toEqual([6, 8, 3])
    expect(dataset.train.count).toBe(8)
    expect(dataset.test.count).toBe(2)
    expect(Array.from(dataset.test.labels)).toEqual([0, 1])
    expect(progress.at(-1)).toBe(10)
    // Pixel (x=3, y=2) of every training image, HWC: red = class marker, blue = x + y.
    for (let i = 0; i < dataset.train.count; i++) {
      const at = i * 6 * 8 * 3 + (2 * 8 + 3) * 3
      expect(dataset.train.images[at]).toBe(dataset.train.labels[i] * 100)
      expect(dataset.train.images[at + 2]).toBe(5)
    }
    const again = await loadImageFolder(root)
    expect(Array.from(again.test.images)).toEqual(Array.from(dataset.test.images))
    // Green = image number: the held-out images change with the held-out seed.
    const greens = (d: typeof dataset) => Array.from({ length: d.test.count }, (_, i) => d.test.images[i * 144 + 1]).join()
    const drawn = new Set<string>()
    for (const heldOutSeed of [1, 2, 3, 4]) drawn.add(greens(await loadImageFolder(root, { heldOutSeed })))
    expect(drawn.size).toBeGreaterThan(1)
  })

  it('uses test/ when present and reads unlabeled/ as extra unlabeled images', async () => {
    const root = await makeFolder('with-test', 3)
    await writePng(join(root, 'test', 'dog', 'a.png'), 8, 6, marker(1, 9))
    await writeJpeg(join(root, 'unlabeled', 'u1.jpg'), 8, 6, () => [200, 30, 30])
    await writePng(join(root, 'unlabeled', 'nested', 'u2.png'), 8, 6, () => [1, 2, 3])
    await writeFile(join(root, 'unlabeled', 'notes.txt'), 'ignored')
    const dataset = await loadImageFolder(root)
    expect(dataset.classNames).toEqual(['cat', 'dog'])
    expect(dataset.train.count).toBe(6)
    expect(dataset.test.count).toBe(1)
    expect(Array.from(dataset.test.labels)).toEqual([1])
    expect(dataset.extraUnlabeled?.count).toBe(2)
    expect(Array.from(dataset.extraUnlabeled!.labels)).toEqual([-1, -1])
    // Path order: nested/u2.png, then u1.jpg, which is lossy: its red stays near 200.
    expect(Array.from(dataset.extraUnlabeled!.images.subarray(0, 3))).toEqual([1, 2, 3])
    expect(Math.abs(dataset.extraUnlabeled!.images[8 * 6 * 3] - 200)).toBeLessThan(8)
  })

  it('keeps one channel when every image is gray, with PNG and JPEG mixed', async () => {
    const root = join(work, 'gray')
    const gray =
      (v: number): Color =>
      (x) => [v + x, v + x, v + x]
    await writePng(join(root, 'a', '1.png'), 4, 4, gray(10), 0)
    await writePng(join(root, 'a', '2.png'), 4, 4, gray(60), 6)
    await writeJpeg(join(root, 'b', '1.jpeg'), 4, 4, gray(120))
    await writePng(join(root, 'b', '2.PNG'), 4, 4, gray(180), 2)
    const dataset = await loadImageFolder(root, { testShare: 0 })
    expect(dataset.channels).toBe(1)
    expect(dataset.train.count).toBe(4)
    expect(dataset.test.count).toBe(0)
    expect(Array.from(dataset.train.images.subarray(0, 4))).toEqual([10, 11, 12, 13])
    expect(dataset.normalization.mean).toHaveLength(1)
  })

  it('refuses mixed sizes without a resize option and resizes with one', async () => {
    const root = await makeFolder('mixed', 2)
    await writePng(join(root, 'dog', 'big.png'), 16, 12, marker(1, 7))
    // the advice names no option a user does not have: a run config cannot resize a folder's images
    await expect(loadImageFolder(root)).rejects.toThrow(
      /big\.png: 16x12 pixels, but .*img0\.png is 8x6; the images of a folder data set must all have one size \(a run config has no setting that resizes them\): bring them to one size first/
    )
    const resized = await loadImageFolder(root, { resize: 'nearest', testShare: 0 })
    expect([resized.height, resized.width]).toEqual([6, 8])
    expect(resized.train.count).toBe(5)
    const fixed = await loadImageFolder(root, { size: { height: 4, width: 4 }, testShare: 0 })
    expect(fixed.train.images.length).toBe(5 * 4 * 4 * 3)
  })

  it('names a corrupt image', async () => {
    const root = await makeFolder('corrupt', 2)
    await writeFile(join(root, 'cat', 'broken.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]))
    await expect(loadImageFolder(root)).rejects.toThrow(/cat[\\/]broken\.png: cannot decode image/)
    await rm(join(root, 'cat', 'broken.png'))
    await writeFile(join(root, 'dog', 'text.jpg'), 'this is not a picture')
    await expect(loadImageFolder(root)).rejects.toThrow(/dog[\\/]text\.jpg: cannot decode image \(neither a PNG nor a JPEG/)
    await rm(join(root, 'dog', 'text.jpg'))
    const good = jpeg.encode({ width: 16, height: 16, data: rgbaImage(16, 16, (x, y) => [x * 9, y * 9, 40]) }, 90).data
    await writeFile(join(root, 'dog', 'cut.jpg'), good.subarray(0, Math.floor(good.length / 2)))
    await expect(loadImageFolder(root)).rejects.toThrow(/dog[\\/]cut\.jpg: cannot decode image/)
  })

  it('refuses a single class, no images, and an empty class folder', async () => {
    const single = join(work, 'single')
    await writePng(join(single, 'only', 'a.png'), 4, 4, () => [1, 1, 1])
    await writePng(join(single, 'only', 'b.png'), 4, 4, () => [2, 2, 2])
    await expect(loadImageFolder(single)).rejects.toThrow(/only one class folder \("only"\)/)
    const empty = join(work, 'empty')
    await mkdir(empty, { recursive: true })
    await expect(loadImageFolder(empty)).rejects.toThrow(/empty: no images/)
    const hollow = await makeFolder('hollow', 2)
    await mkdir(join(hollow, 'bird'))
    await expect(loadImageFolder(hollow)).rejects.toThrow(/bird: class folder without PNG or JPEG images/)
    await expect(loadImageFolder(join(work, 'nowhere'))).rejects.toThrow(/nowhere: not a folder/)
  })
})

/** A valid 8-bit gray PNG of width x height zeros: a few hundred KB that decode to width*height*4 bytes. */
function zeroPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length)
    out.writeUInt32BE(data.length, 0)
    out.write(type, 4, 'ascii')
    data.copy(out, 8)
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
    return out
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 0 // gray
  const rows = Buffer.alloc(height * (width + 1)) // filter byte 0 and zeros on every row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0))
  ])
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

describe('image size limit', () => {
  it('reads the size from the PNG and JPEG headers', () => {
    const png = PNG.sync.write(Object.assign(new PNG({ width: 7, height: 3 }), { data: rgbaImage(7, 3, () => [1, 2, 3]) }))
    expect(declaredSize(png)).toEqual({ width: 7, height: 3 })
    const jpg = jpeg.encode({ width: 9, height: 5, data: rgbaImage(9, 5, () => [1, 2, 3]) }, 90).data
    expect(declaredSize(jpg)).toEqual({ width: 9, height: 5 })
    expect(declaredSize(Buffer.from('not a picture'))).toBeUndefined()
  })

  it('refuses a small PNG that declares 10000x10000 from its header, naming the file and the limit', async () => {
    const bomb = zeroPng(10_000, 10_000)
    expect(bomb.length).toBeLessThan(400_000)
    const root = await makeFolder('bomb', 2)
    await writeFile(join(root, 'dog', 'huge.png'), bomb)
    const started = Date.now()
    await expect(loadImageFolder(root)).rejects.toThrow(
      /dog[\\/]huge\.png: 10000x10000 pixels is more than the 16777216 pixels an image may have \(4096x4096\); scale it down first/
    )
    // refused from the header: decoding it would take seconds and over a gigabyte
    expect(Date.now() - started).toBeLessThan(5000)
    expect(MAX_IMAGE_PIXELS).toBe(4096 * 4096)
    // one pixel under the limit still decodes
    expect(decodeImage(zeroPng(4096, 4096), 'edge.png')).toMatchObject({ width: 4096, height: 4096 })
  })

  it('refuses a JPEG whose frame header declares more than the limit', () => {
    const jpg = Buffer.from(jpeg.encode({ width: 16, height: 16, data: rgbaImage(16, 16, () => [9, 9, 9]) }, 90).data)
    const sof = jpg.indexOf(Buffer.from([0xff, 0xc0]))
    jpg.writeUInt16BE(9000, sof + 5)
    jpg.writeUInt16BE(9000, sof + 7)
    expect(declaredSize(jpg)).toEqual({ width: 9000, height: 9000 })
    expect(() => decodeImage(jpg, 'wide.jpg')).toThrow(/^wide\.jpg: 9000x9000 pixels is more than the 16777216 pixels an image may have/)
  })
})

describe('links in image folders', () => {
  it('follows links to class folders and to images', async () => {
    const root = await makeFolder('linked', 2)
    const elsewhere = join(work, 'elsewhere')
    for (let n = 0; n < 2; n++) await writePng(join(elsewhere, 'birds', `b${n}.png`), 8, 6, marker(2, n))
    await writePng(join(elsewhere, 'extra-cat.png'), 8, 6, marker(0, 5))
    await symlink(join(elsewhere, 'birds'), join(root, 'bird'))
    await symlink(join(elsewhere, 'extra-cat.png'), join(root, 'cat', 'linked.png'))
    const dataset = await loadImageFolder(root, { testShare: 0 })
    expect(dataset.classNames).toEqual(['bird', 'cat', 'dog'])
    expect(dataset.train.count).toBe(7)
    expect(Array.from(dataset.train.labels)).toEqual([0, 0, 1, 1, 1, 2, 2])
    // the linked cat is read: path order puts cat/linked.png after cat/img1.png, green = its image number
    expect(dataset.train.images[4 * 6 * 8 * 3 + 1]).toBe(50)
  })

  it('refuses a link that loops back and a link to an image that is missing, naming them', async () => {
    const root = await makeFolder('looped', 2)
    await symlink(join(root, 'cat'), join(root, 'cat', 'again'))
    await expect(loadImageFolder(root)).rejects.toThrow(/looped[\\/]cat[\\/]again: a link back to .*looped[\\/]cat, a folder it is inside \(a loop\)/)
    await rm(join(root, 'cat', 'again'))
    await symlink(join(work, 'no-such.png'), join(root, 'dog', 'gone.png'))
    await expect(loadImageFolder(root)).rejects.toThrow(/dog[\\/]gone\.png: a link to a file that cannot be read \(ENOENT\)/)
  })
})

describe('resizeRgb', () => {
  const image = decodeImage(
    PNG.sync.write(Object.assign(new PNG({ width: 2, height: 1 }), { data: rgbaImage(2, 1, (x) => (x ? [200, 200, 200] : [0, 0, 0])) })),
    'x.png'
  )

  it('nearest keeps source values, bilinear interpolates between pixel centres', () => {
    expect(Array.from(resizeRgb(image, 1, 4, 'nearest')).filter((_, i) => i % 3 === 0)).toEqual([0, 0, 200, 200])
    expect(Array.from(resizeRgb(image, 1, 4, 'bilinear')).filter((_, i) => i % 3 === 0)).toEqual([0, 50, 150, 200])
    expect(resizeRgb(image, 1, 2, 'bilinear')).toBe(image.rgb)
  })
})
