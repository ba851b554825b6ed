// 'datasets/*' and 'augment/preview': the datasets of this home seen from the
// app. Import and download reuse the CLI's functions (src/main/data/cifar.ts)
// and report their progress as 'datasets/progress' events; the class balance
// and the augmentation preview use the trainer's own split and batch code, so
// they show what a run of the config trains on.
import { readdirSync, rmSync } from 'node:fs'
import { appendFile, mkdir, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import type { AugmentPreviewView, DatasetImported, ParsedHandlers, PixelImage, SimclrDrawView } from '../../../shared/api.ts'
import { CONFIG_FIELD } from '../../../shared/api.ts'
import type { RunConfig } from '../../../shared/config.ts'
import { downloadCifar, importCifarArchive, type CifarImportResult } from '../../data/cifar.ts'
import type { Dataset, ProgressCallback } from '../../data/types.ts'
import { labeledSplitFor } from '../../trainer/data/batches.ts'
import { previewAugmentations } from '../../trainer/data/preview.ts'
import type { SimclrDraw } from '../../trainer/augment/index.ts'
import type { ServiceCore } from '../context.ts'
import { ServiceError } from '../errors.ts'
import { pixelImage } from '../run-datasets.ts'
import { configFrom } from './queue.ts'

type DatasetHandlers = Pick<
  ParsedHandlers,
  'datasets/images' | 'datasets/balance' | 'datasets/import' | 'datasets/upload' | 'datasets/import-upload' | 'datasets/download' | 'augment/preview'
>

const JITTER_NAMES = ['brightness', 'contrast', 'saturation', 'hue'] as const

function simclrDrawView(draw: SimclrDraw): SimclrDrawView {
  return { ...draw, order: Array.from(draw.order, (k) => JITTER_NAMES[k]) }
}

function cutoutBox(box: { x0: number; y0: number; x1: number; y1: number; enabled: boolean }): AugmentPreviewView['items'][number]['cutout'] {
  return box.enabled ? { x0: box.x0, y0: box.y0, x1: box.x1, y1: box.y1 } : null
}

function imported(result: CifarImportResult): DatasetImported {
  return {
    name: result.name,
    folder: result.folder,
    trainCount: result.trainCount,
    testCount: result.testCount,
    md5: result.md5,
    officialMd5: result.officialMd5
  }
}

/** Where the pieces of an archive sent from the page are put together (beside the CLI's downloads). */
function uploadPath(homeDir: string, uploadId: string): string {
  return path.join(homeDir, 'downloads', `upload-${uploadId}.part`)
}

/**
 * The pieces an earlier service was sent and never imported (a page closed halfway).
 * Called at start-up: one service holds a home, so no page is sending to this one yet.
 */
export function removeAbandonedUploads(homeDir: string): string[] {
  const folder = path.dirname(uploadPath(homeDir, 'x'))
  let names: string[]
  try {
    names = readdirSync(folder)
  } catch {
    return []
  }
  const abandoned = names.filter((name) => /^upload-.+\.part$/.test(name))
  for (const name of abandoned) rmSync(path.join(folder, name), { force: true })
  return abandoned
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw error
  }
}

export function datasetHandlers(core: ServiceCore): DatasetHandlers {
  const homeDir = core.settings.homeDir
  let busy: string | undefined

  const datasetOf = (config: RunConfig): Promise<Dataset> =>
    core.datasets.of(config).catch((error: Error) => {
      throw new ServiceError(error.message, `${CONFIG_FIELD}.dataset`, 'unavailable')
    })

  /** One import or download at a time: both write <home>/datasets/. */
  const exclusive = async (target: string, work: (onProgress: ProgressCallback) => Promise<CifarImportResult>): Promise<DatasetImported> => {
    if (busy) throw new ServiceError(`${busy} is being imported; wait until it is done`, undefined, 'conflict')
    busy = target
    const onProgress: ProgressCallback = (p) =>
      core.events.emit('datasets/progress', { target, stage: p.stage, done: p.done, total: p.total ?? null, unit: p.unit })
    try {
      const result = await work(onProgress)
      core.datasets.forget()
      core.log(null, 'info', `${result.name}: ${result.trainCount} train / ${result.testCount} test images imported into ${result.folder}`, 'dataset')
      return imported(result)
    } catch (error) {
      if (error instanceof ServiceError) throw error
      throw new ServiceError((error as Error).message, undefined, 'invalid')
    } finally {
      busy = undefined
    }
  }

  return {
    async 'datasets/images'(request) {
      const config = configFrom(request.preset, request.config)
      const dataset = await datasetOf(config)
      const { train } = dataset
      const shape = [dataset.height, dataset.width, dataset.channels]
      const size = dataset.height * dataset.width * dataset.channels
      const classes = dataset.classNames.map((name) => ({ name, trainCount: 0, images: [] as PixelImage[] }))
      for (let i = 0; i < train.count; i++) {
        const entry = classes[train.labels[i]]
        entry.trainCount++
        if (entry.images.length < request.perClass) entry.images.push(pixelImage(train.images.subarray(i * size, (i + 1) * size), shape))
      }
      return { dataset: dataset.name, classes }
    },

    async 'datasets/balance'(request) {
      const config = configFrom(request.preset, request.config)
      const dataset = await datasetOf(config)
      let split
      try {
        split = labeledSplitFor(config, dataset)
      } catch (error) {
        throw new ServiceError((error as Error).message, `${CONFIG_FIELD}.labelsPerClass`)
      }
      const classes = dataset.classNames.map((name) => ({ name, labeled: 0, train: 0 }))
      for (let i = 0; i < dataset.train.count; i++) classes[dataset.train.labels[i]].train++
      for (const index of split.labeled) classes[dataset.train.labels[index]].labeled++
      return {
        dataset: dataset.name,
        labelsPerClass: config.labelsPerClass,
        splitSeed: config.splitSeed,
        splitHash: split.splitHash,
        labeledCount: split.labeled.length,
        unlabeledCount: split.unlabeled.length + (dataset.extraUnlabeled?.count ?? 0),
        classes
      }
    },

    async 'datasets/import'(request) {
      const target = request.path.split(/[\\/]/).pop() || request.path
      return exclusive(target, (onProgress) => importCifarArchive(request.path, homeDir, { expectedMd5: request.md5 ?? undefined, onProgress }))
    },

    async 'datasets/upload'(request) {
      const file = uploadPath(homeDir, request.uploadId)
      const received = await sizeOf(file)
      // pieces in order, each once: a retried or skipped piece would corrupt the archive
      if (request.offset !== received)
        throw new ServiceError(`offset: expected ${received} (the bytes received so far), got ${request.offset}`, 'offset', 'conflict')
      const bytes = Buffer.from(request.chunk, 'base64')
      await mkdir(path.dirname(file), { recursive: true })
      await appendFile(file, bytes)
      return { received: received + bytes.length }
    },

    async 'datasets/import-upload'(request) {
      const file = uploadPath(homeDir, request.uploadId)
      if ((await sizeOf(file)) === 0)
        throw new ServiceError(`no upload ${request.uploadId}: send its pieces with datasets/upload first`, 'uploadId', 'not-found')
      // refused while another import runs, the upload stays for a second try; once imported or refused as an archive, it goes
      if (busy) throw new ServiceError(`${busy} is being imported; wait until it is done`, undefined, 'conflict')
      try {
        return await exclusive(request.fileName || 'the uploaded archive', (onProgress) =>
          importCifarArchive(file, homeDir, { expectedMd5: request.md5 ?? undefined, onProgress })
        )
      } finally {
        await rm(file, { force: true })
      }
    },

    async 'datasets/download'(request) {
      if (request.md5 && !request.url) throw new ServiceError('md5 goes with url: the official archive has a known MD5', 'md5')
      return exclusive(request.name, (onProgress) =>
        downloadCifar(request.name, homeDir, { url: request.url ?? undefined, expectedMd5: request.md5 ?? undefined, onProgress })
      )
    },

    async 'augment/preview'(request) {
      const config = configFrom(request.preset, request.config)
      const dataset = await datasetOf(config)
      const step = request.step ?? 0
      let preview
      try {
        preview = previewAugmentations(config, dataset, { step, count: request.count ?? 4 })
      } catch (error) {
        const message = (error as Error).message
        throw new ServiceError(message, message.startsWith('step') ? 'step' : `${CONFIG_FIELD}.variant`)
      }
      const shape = preview.shape
      const result: AugmentPreviewView = {
        dataset: dataset.name,
        variant: config.variant,
        seed: config.seed,
        step,
        stepSeed: preview.seed,
        simclrUsed: preview.simclrUsed,
        items: preview.items.map((item) => ({
          datasetIndex: item.datasetIndex,
          className: item.label >= 0 ? (dataset.classNames[item.label] ?? null) : null,
          original: pixelImage(item.original, shape),
          weak: pixelImage(item.weak, shape),
          weakDraw: item.weakDraw,
          strong: pixelImage(item.strong, shape),
          ops: item.randAugment.ops.map((entry) => ({ ...entry })),
          cutout: cutoutBox(item.randAugment.cutout),
          simclr: item.simclr.map((view) => pixelImage(view, shape)),
          simclrDraws: item.simclrDraws.map(simclrDrawView)
        }))
      }
      return result
    }
  }
}
