import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CIFAR_FORMATS, downloadCifar, importCifarArchive, parseCifarArchive } from '../../src/main/data/cifar.ts'
import { loadDataset } from '../../src/main/data/index.ts'
import { CIFAR10_NAMES, cifar10Members, cifarRecords, pixelValue, tempDir, writeTarGz } from './data-helpers.ts'
import { rm } from 'node:fs/promises'

let work: string
let cifar10Archive: string

beforeAll(async () => {
  work = await tempDir('cifar')
  cifar10Archive = join(work, 'cifar-10-test.tar.gz')
  await writeTarGz(cifar10Archive, cifar10Members())
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/** What a failed import may leave in <home>/datasets: nothing but an empty folder. */
async function datasetsLeft(home: string): Promise<string[]> {
  try {
    return await readdir(join(home, 'datasets'))
  } catch {
    return []
  }
}

describe('CIFAR-10 archive', () => {
  it('parses records into HWC images, labels and class names', async () => {
    const { data, format } = await parseCifarArchive(cifar10Archive)
    expect(format.name).toBe('cifar10')
    expect(data.classNames).toEqual(CIFAR10_NAMES)
    expect([data.height, data.width, data.channels]).toEqual([32, 32, 3])
    expect(data.train.count).toBe(15)
    expect(data.test.count).toBe(5)
    expect(Array.from(data.train.labels)).toEqual(Array.from({ length: 15 }, (_, r) => r % 10))
    expect(Array.from(data.test.labels)).toEqual([5, 6, 7, 8, 9])
    // Record 4 is the second of data_batch_2; test record 0 is record 15 overall.
    for (const [set, index, record] of [
      [data.train, 4, 4],
      [data.test, 0, 15]
    ] as const) {
      for (const pixel of [0, 1, 33, 1023]) {
        for (let c = 0; c < 3; c++) expect(set.images[index * 3072 + pixel * 3 + c]).toBe(pixelValue(record, c, pixel))
      }
    }
  })

  it('imports into <home>/datasets/cifar10 and loads through loadDataset', async () => {
    const home = await tempDir('home')
    const progress: number[] = []
    const result = await importCifarArchive(cifar10Archive, home, { onProgress: (p) => progress.push(p.done) })
    expect(result).toMatchObject({ name: 'cifar10', trainCount: 15, testCount: 5, officialMd5: false })
    expect(result.md5).toBe(
      createHash('md5')
        .update(await readFile(cifar10Archive))
        .digest('hex')
    )
    expect(progress.at(-1)).toBe((await stat(cifar10Archive)).size)
    expect(await datasetsLeft(home)).toEqual(['cifar10'])

    const dataset = await loadDataset({ name: 'cifar10' }, { homeDir: home })
    expect(dataset.name).toBe('cifar10')
    expect(dataset.classNames).toEqual(CIFAR10_NAMES)
    expect(dataset.train.count).toBe(15)
    expect(dataset.train.images[4 * 3072 + 33 * 3 + 2]).toBe(pixelValue(4, 2, 33))
    expect(Array.from(dataset.test.labels)).toEqual([5, 6, 7, 8, 9])
    expect(dataset.augment).toEqual({ horizontalFlip: true, padMode: 'reflect' })
    expect(dataset.normalization.mean).toEqual(CIFAR_FORMATS.cifar10.mean)

    // A second import replaces the first and leaves no temporary folder.
    await importCifarArchive(cifar10Archive, home)
    expect(await datasetsLeft(home)).toEqual(['cifar10'])
    await rm(home, { recursive: true, force: true })
  })

  it('says how to get CIFAR when it is not imported', async () => {
    const home = await tempDir('empty-home')
    await expect(loadDataset({ name: 'cifar10' }, { homeDir: home })).rejects.toThrow(/fixmatch-lab data download cifar10.*data import/)
    await rm(home, { recursive: true, force: true })
  })

  it('refuses a damaged stored file', async () => {
    const home = await tempDir('damaged-home')
    await importCifarArchive(cifar10Archive, home)
    await writeFile(join(home, 'datasets', 'cifar10', 'test-labels.i32'), Buffer.alloc(20, 1))
    await expect(loadDataset({ name: 'cifar10' }, { homeDir: home })).rejects.toThrow(/test-labels\.i32: sha256 differs/)
    await rm(home, { recursive: true, force: true })
  })
})

describe('CIFAR-100 archive', () => {
  it('keeps the fine label and the fine class names', async () => {
    const archive = join(work, 'cifar-100-test.tar.gz')
    const fineNames = Array.from({ length: 100 }, (_, i) => `fine${i}`)
    await writeTarGz(archive, {
      'cifar-100-binary/train.bin': cifarRecords(0, 6, (r) => [r % 20, 90 + r]),
      'cifar-100-binary/test.bin': cifarRecords(6, 2, (r) => [r % 20, r]),
      'cifar-100-binary/fine_label_names.txt': fineNames.join('\n') + '\n',
      'cifar-100-binary/coarse_label_names.txt': 'a\nb\n'
    })
    const home = await tempDir('home100')
    expect((await importCifarArchive(archive, home)).name).toBe('cifar100')
    const dataset = await loadDataset({ name: 'cifar100' }, { homeDir: home })
    expect(dataset.classNames).toEqual(fineNames)
    expect(Array.from(dataset.train.labels)).toEqual([90, 91, 92, 93, 94, 95])
    expect(Array.from(dataset.test.labels)).toEqual([6, 7])
    expect(dataset.train.images[5 * 3072 + 1023 * 3 + 1]).toBe(pixelValue(5, 1, 1023))
    await rm(home, { recursive: true, force: true })
  })
})

describe('refusals leave nothing behind', () => {
  async function expectRefused(archive: string, pattern: RegExp, options: { expectedMd5?: string } = {}) {
    const home = await tempDir('refused')
    await expect(importCifarArchive(archive, home, options)).rejects.toThrow(pattern)
    expect(await datasetsLeft(home)).toEqual([])
    await rm(home, { recursive: true, force: true })
  }

  it('a truncated .tar.gz', async () => {
    const bytes = await readFile(cifar10Archive)
    const truncated = join(work, 'truncated.tar.gz')
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)))
    await expectRefused(truncated, /truncated\.tar\.gz: truncated archive/)
  })

  it('a complete gzip around a truncated tar', async () => {
    const { gunzipSync, gzipSync } = await import('node:zlib')
    const tarBytes = gunzipSync(await readFile(cifar10Archive))
    const cut = join(work, 'cut-tar.tar.gz')
    await writeFile(cut, gzipSync(tarBytes.subarray(0, 512 * 40 + 100)))
    await expectRefused(cut, /cut-tar\.tar\.gz: truncated archive \(the tar data ends inside a member/)
  })

  it('a wrong checksum', async () => {
    await expectRefused(cifar10Archive, /cifar-10-test\.tar\.gz: wrong checksum, MD5 is [0-9a-f]{32} but should be 0{32}/, {
      expectedMd5: '0'.repeat(32)
    })
  })

  it('a missing member', async () => {
    const members = cifar10Members()
    delete members['cifar-10-batches-bin/data_batch_3.bin']
    const archive = join(work, 'missing.tar.gz')
    await writeTarGz(archive, members)
    await expectRefused(archive, /missing\.tar\.gz: missing member cifar-10-batches-bin\/data_batch_3\.bin/)
  })

  it('a member whose size is not a whole number of records', async () => {
    const members = cifar10Members()
    members['cifar-10-batches-bin/data_batch_2.bin'] = cifarRecords(0, 2, () => [1]).subarray(0, 3073 * 2 - 100)
    const archive = join(work, 'ragged.tar.gz')
    await writeTarGz(archive, members)
    await expectRefused(archive, /data_batch_2\.bin: 6046 bytes is not a multiple of the 3073-byte record length/)
  })

  it('a label outside the classes', async () => {
    const members = cifar10Members()
    members['cifar-10-batches-bin/test_batch.bin'] = cifarRecords(0, 2, () => [12])
    const archive = join(work, 'label.tar.gz')
    await writeTarGz(archive, members)
    await expectRefused(archive, /test_batch\.bin: record 0 has label 12, outside 0\.\.9/)
  })

  it('an archive that is not CIFAR', async () => {
    const archive = join(work, 'other.tar.gz')
    await writeTarGz(archive, { 'photos/a.txt': 'hello' })
    await expectRefused(archive, /other\.tar\.gz: not a CIFAR binary archive/)
  })

  it('a file that is not gzip', async () => {
    const archive = join(work, 'plain.tar.gz')
    await writeFile(archive, 'not an archive at all')
    await expectRefused(archive, /plain\.tar\.gz: not a valid gzip file/)
  })
})

describe('download (served from memory, no network)', () => {
  const serve =
    (bytes: Buffer): typeof fetch =>
    async () =>
      new Response(new Uint8Array(bytes), { status: 200, headers: { 'content-length': String(bytes.length) } })

  it('downloads, checks the MD5, imports and removes the archive', async () => {
    const bytes = await readFile(cifar10Archive)
    const home = await tempDir('download')
    const seen: string[] = []
    const result = await downloadCifar('cifar10', home, {
      fetch: serve(bytes),
      expectedMd5: createHash('md5').update(bytes).digest('hex'),
      onProgress: (p) => seen.push(p.stage)
    })
    expect(result.trainCount).toBe(15)
    expect(seen).toContain('download')
    expect(seen).toContain('import')
    expect(await readdir(join(home, 'downloads'))).toEqual([])
    expect(await datasetsLeft(home)).toEqual(['cifar10'])
    await rm(home, { recursive: true, force: true })
  })

  it('refuses a download whose MD5 is not the official one, keeping nothing', async () => {
    const home = await tempDir('download-bad')
    await expect(downloadCifar('cifar10', home, { fetch: serve(await readFile(cifar10Archive)) })).rejects.toThrow(
      new RegExp(`wrong checksum.*should be ${CIFAR_FORMATS.cifar10.md5}`)
    )
    expect(await readdir(join(home, 'downloads'))).toEqual([])
    expect(await datasetsLeft(home)).toEqual([])
    await rm(home, { recursive: true, force: true })
  })

  it('reports an HTTP error', async () => {
    const home = await tempDir('download-404')
    const notFound: typeof fetch = async () => new Response('gone', { status: 404, statusText: 'Not Found' })
    await expect(downloadCifar('cifar100', home, { fetch: notFound })).rejects.toThrow(/cifar-100-binary\.tar\.gz failed: HTTP 404/)
    await rm(home, { recursive: true, force: true })
  })
})
