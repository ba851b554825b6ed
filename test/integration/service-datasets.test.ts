// The datasets of a home through the service: a CIFAR archive imported with
// progress events (a 20-image archive made here), then its images per class,
// the class balance of a config's split and the augmentation preview.
import { createHash } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { COMMANDS, EVENTS, type DatasetProgress } from '../../src/shared/api.ts'
import { CIFAR10_NAMES, cifar10Members, writeTarGz } from '../unit/data-helpers.ts'
import { fakeLauncher, openService, tempHome } from './service-helpers.ts'

describe('datasets in the service', () => {
  it('imports a CIFAR archive with progress events, then shows its images, its split and its augmentations', async () => {
    const home = tempHome()
    const archive = path.join(home, 'cifar-10-binary.tar.gz')
    await writeTarGz(archive, cifar10Members())
    const service = openService({ homeDir: home, launcher: fakeLauncher() })
    const progress: DatasetProgress[] = []
    service.events.on('datasets/progress', (p) => void progress.push(p))

    const before = await service.handlers['app/info']()
    expect(before.datasets.find((d) => d.name === 'cifar10')).toMatchObject({ installed: false })

    const result = await service.handlers['datasets/import']({ path: archive })
    expect(COMMANDS['datasets/import'].response.safeParse(result).error).toBeUndefined()
    expect(result).toMatchObject({ name: 'cifar10', trainCount: 15, testCount: 5, officialMd5: false })
    // the archive is read with byte progress and ends at its size
    expect(progress.length).toBeGreaterThan(0)
    for (const p of progress) expect(EVENTS['datasets/progress'].safeParse(p).error).toBeUndefined()
    expect(progress.every((p) => p.target === 'cifar-10-binary.tar.gz')).toBe(true)
    const imports = progress.filter((p) => p.stage === 'import')
    expect(imports.length).toBeGreaterThan(0)
    const last = imports[imports.length - 1]
    expect(last.total).not.toBeNull()
    expect(last.done).toBe(last.total)

    const after = await service.handlers['app/info']()
    expect(after.datasets.find((d) => d.name === 'cifar10')).toMatchObject({ installed: true })

    // 15 training records labelled r % 10: classes 0-4 twice, 5-9 once
    const images = await service.handlers['datasets/images']({ config: { dataset: 'cifar10' }, perClass: 2 })
    expect(images.classes.map((c) => c.name)).toEqual(CIFAR10_NAMES)
    expect(images.classes.map((c) => c.trainCount)).toEqual([2, 2, 2, 2, 2, 1, 1, 1, 1, 1])
    expect(images.classes.map((c) => c.images.length)).toEqual([2, 2, 2, 2, 2, 1, 1, 1, 1, 1])
    expect(images.classes[0].images[0]).toMatchObject({ width: 32, height: 32, channels: 3 })
    // record 0 stored HWC: pixel 0 is (R, G, B) of plane 0, 1, 2
    const first = Buffer.from(images.classes[0].images[0].pixels, 'base64')
    expect([...first.subarray(0, 3)]).toEqual([0, 85, 170])

    const balance = await service.handlers['datasets/balance']({ config: { dataset: 'cifar10', labelsPerClass: 1 } })
    expect(balance.classes.map((c) => c.labeled)).toEqual(new Array(10).fill(1))
    expect(balance).toMatchObject({ labeledCount: 10, unlabeledCount: 5, labelsPerClass: 1 })
    await expect(service.handlers['datasets/balance']({ config: { dataset: 'cifar10', labelsPerClass: 2 } })).rejects.toMatchObject({
      field: 'config.labelsPerClass'
    })

    const preview = await service.handlers['augment/preview']({ config: { dataset: 'cifar10', labelsPerClass: 1, batchSize: 2, mu: 2 }, step: 3, count: 2 })
    expect(COMMANDS['augment/preview'].response.safeParse(preview).error).toBeUndefined()
    expect(preview.items).toHaveLength(2)
    for (const item of preview.items) {
      expect(item.ops).toHaveLength(2)
      expect(item.cutout).not.toBeNull()
      expect(item.simclr).toHaveLength(2)
      expect(item.strong).toMatchObject({ width: 32, height: 32, channels: 3 })
      expect(CIFAR10_NAMES).toContain(item.className)
    }
  })

  it('says what is wrong with an archive, and refuses a dataset that is not there', async () => {
    const home = tempHome()
    const service = openService({ homeDir: home, launcher: fakeLauncher() })
    const missing = path.join(home, 'nothing.tar.gz')
    await expect(service.handlers['datasets/import']({ path: missing })).rejects.toThrow(/nothing\.tar\.gz/)
    await expect(service.handlers['datasets/import']({ path: '' })).rejects.toMatchObject({ field: 'path' })
    await expect(service.handlers['datasets/images']({ config: { dataset: 'cifar100' }, perClass: 1 })).rejects.toMatchObject({
      field: 'config.dataset',
      message: expect.stringMatching(/fixmatch-lab data download cifar100/)
    })
    await expect(service.handlers['augment/preview']({ config: { steps: 10 }, step: 10 })).rejects.toMatchObject({ field: 'step' })
    // one import at a time: both write <home>/datasets/
    const archive = path.join(home, 'cifar-10-binary.tar.gz')
    await writeTarGz(archive, cifar10Members())
    const first = service.handlers['datasets/import']({ path: archive })
    await expect(service.handlers['datasets/import']({ path: archive })).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(/being imported/)
    })
    await expect(first).resolves.toMatchObject({ name: 'cifar10' })
  })

  it('downloads an archive from a url with its md5, reporting download then import progress', async () => {
    const home = tempHome()
    const archive = path.join(home, 'served.tar.gz')
    await writeTarGz(archive, cifar10Members())
    const bytes = await readFile(archive)
    const md5 = createHash('md5').update(bytes).digest('hex')
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Length': bytes.length })
      response.end(bytes)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cifar-10-binary.tar.gz`
      const service = openService({ homeDir: home, launcher: fakeLauncher() })
      const progress: DatasetProgress[] = []
      service.events.on('datasets/progress', (p) => void progress.push(p))
      await expect(service.handlers['datasets/download']({ name: 'cifar10', url, md5: '0'.repeat(32) })).rejects.toThrow(/MD5|checksum/i)
      progress.length = 0
      const result = await service.handlers['datasets/download']({ name: 'cifar10', url, md5 })
      expect(result).toMatchObject({ name: 'cifar10', trainCount: 15, md5 })
      const stages = [...new Set(progress.map((p) => p.stage))]
      expect(stages[0]).toBe('download')
      expect(stages).toContain('import')
      const downloaded = progress.filter((p) => p.stage === 'download')
      expect(downloaded[downloaded.length - 1]).toMatchObject({ target: 'cifar10', done: bytes.length, total: bytes.length, unit: 'bytes' })
      await expect(service.handlers['datasets/download']({ name: 'cifar100', md5 })).rejects.toMatchObject({ field: 'md5' })
    } finally {
      server.close()
    }
  })

  it('imports an archive sent from the page in pieces, in order', async () => {
    const home = tempHome()
    const archive = path.join(home, 'picked.tar.gz')
    await writeTarGz(archive, cifar10Members())
    const bytes = await readFile(archive)
    const service = openService({ homeDir: home, launcher: fakeLauncher() })
    const progress: DatasetProgress[] = []
    service.events.on('datasets/progress', (p) => void progress.push(p))
    const uploadId = 'test-upload-1'
    const third = Math.ceil(bytes.length / 3)
    let received = 0
    for (let offset = 0; offset < bytes.length; offset += third) {
      ;({ received } = await service.handlers['datasets/upload']({ uploadId, offset, chunk: bytes.subarray(offset, offset + third).toString('base64') }))
      // a piece sent twice is refused: appending it again would corrupt the archive
      if (offset === 0)
        await expect(service.handlers['datasets/upload']({ uploadId, offset: 0, chunk: 'AAAA' })).rejects.toMatchObject({ field: 'offset', kind: 'conflict' })
    }
    expect(received).toBe(bytes.length)
    const result = await service.handlers['datasets/import-upload']({ uploadId, fileName: 'picked.tar.gz' })
    expect(result).toMatchObject({ name: 'cifar10', trainCount: 15, testCount: 5 })
    expect(progress.some((p) => p.target === 'picked.tar.gz' && p.stage === 'import')).toBe(true)
    expect(existsSync(path.join(home, 'downloads', `upload-${uploadId}.part`))).toBe(false)
    await expect(service.handlers['datasets/import-upload']({ uploadId })).rejects.toMatchObject({ field: 'uploadId', kind: 'not-found' })
  })

  it('removes at start-up the pieces of an upload a closed page left, and nothing else in downloads', async () => {
    const home = tempHome()
    const first = openService({ homeDir: home, launcher: fakeLauncher() })
    await first.handlers['datasets/upload']({ uploadId: 'left-halfway', offset: 0, chunk: Buffer.from('half an archive').toString('base64') })
    const part = path.join(home, 'downloads', 'upload-left-halfway.part')
    const download = path.join(home, 'downloads', 'cifar-10-binary.tar.gz')
    writeFileSync(download, 'a download of the CLI')
    await first.close()
    expect(existsSync(part)).toBe(true)

    const second = openService({ homeDir: home, launcher: fakeLauncher() })
    expect(existsSync(part)).toBe(false)
    expect(existsSync(download)).toBe(true)
    await expect(second.handlers['datasets/import-upload']({ uploadId: 'left-halfway' })).rejects.toMatchObject({ kind: 'not-found' })
  })
})
