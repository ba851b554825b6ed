// Builders for the data tests: small archives in the CIFAR binary format and
// image files, all written into temporary folders by the tests themselves.
import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { create as createTar } from 'tar'

export const CIFAR10_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `fixmatch-lab-${prefix}-`))
}

/** The value of channel c at pixel p of record r: distinct per plane, so a CHW/HWC mix-up shows. */
export function pixelValue(record: number, channel: number, pixel: number): number {
  return (record * 7 + channel * 85 + pixel * 3) & 255
}

/** `labelBytes` label bytes then 3072 CHW image bytes per record. */
export function cifarRecords(first: number, count: number, labelsOf: (record: number) => number[]): Buffer {
  const labelBytes = labelsOf(0).length
  const out = Buffer.alloc(count * (labelBytes + 3072))
  for (let i = 0; i < count; i++) {
    const r = first + i
    const at = i * (labelBytes + 3072)
    labelsOf(r).forEach((label, k) => (out[at + k] = label))
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) out[at + labelBytes + c * 1024 + p] = pixelValue(r, c, p)
  }
  return out
}

/** Writes `files` (path inside the archive -> bytes) and packs them into a .tar.gz with tar + zlib. */
export async function writeTarGz(archivePath: string, files: Record<string, Buffer | string>): Promise<void> {
  const staging = await tempDir('staging')
  for (const [path, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(staging, path)), { recursive: true })
    await writeFile(join(staging, path), bytes)
  }
  const topLevel = [...new Set(Object.keys(files).map((p) => p.split('/')[0]))]
  try {
    await pipeline(createTar({ cwd: staging, portable: true }, topLevel), createGzip(), createWriteStream(archivePath))
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

/** The members of a 20-record CIFAR-10 archive: 3 per training batch, 5 in the test batch. */
export function cifar10Members(): Record<string, Buffer | string> {
  const files: Record<string, Buffer | string> = {
    'cifar-10-batches-bin/batches.meta.txt': CIFAR10_NAMES.join('\n') + '\n\n',
    'cifar-10-batches-bin/readme.html': '<p>test archive</p>'
  }
  for (let b = 1; b <= 5; b++) files[`cifar-10-batches-bin/data_batch_${b}.bin`] = cifarRecords((b - 1) * 3, 3, (r) => [r % 10])
  files['cifar-10-batches-bin/test_batch.bin'] = cifarRecords(15, 5, (r) => [r % 10])
  return files
}

/** RGBA pixels from a colour function of (x, y). */
export function rgbaImage(width: number, height: number, color: (x: number, y: number) => [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = color(x, y)
      data.set([r, g, b, 255], (y * width + x) * 4)
    }
  }
  return data
}
