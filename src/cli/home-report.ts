// `doctor`'s look at the home folder: which folder the CLI uses and why, what
// is recorded in it, which datasets are imported, whether a service holds it,
// and its settings. Read-only: nothing in the home is created or changed.
import fs from 'node:fs'
import { CIFAR_FORMATS } from '../main/data/cifar.ts'
import { datasetFolder, readManifest } from '../main/data/store.ts'
import { readLabSettings } from '../main/service/settings-file.ts'
import { openStore, StoreMissingError } from '../main/store/index.ts'
import { readServiceFile } from './service-file.ts'

export interface HomeReport {
  path: string
  /** what chose the folder */
  from: '--home' | 'FIXMATCH_LAB_HOME' | 'default'
  exists: boolean
  store: { runs: number; experiments: number } | { none: true } | { error: string }
  datasets: { name: string; imported: boolean }[]
  service?: { mode: string; pid: number; url: string }
  settings: { slots?: number } | { error: string }
}

export async function collectHomeReport(home: string, flag: string | undefined): Promise<HomeReport> {
  const from = flag ? '--home' : process.env.FIXMATCH_LAB_HOME ? 'FIXMATCH_LAB_HOME' : 'default'
  const exists = fs.existsSync(home)
  const datasets = await Promise.all(
    Object.values(CIFAR_FORMATS).map(async (format) => ({ name: format.name, imported: (await readManifest(datasetFolder(home, format.name))) !== undefined }))
  )
  const published = exists ? readServiceFile(home) : undefined
  return {
    path: home,
    from,
    exists,
    store: exists ? storeSummary(home) : { none: true },
    datasets,
    ...(published ? { service: { mode: published.mode, pid: published.pid, url: published.url } } : {}),
    settings: settingsSummary(home)
  }
}

function storeSummary(home: string): HomeReport['store'] {
  try {
    const store = openStore(home, { readonly: true })
    try {
      return { runs: store.runs.count(), experiments: store.experiments.list().length }
    } finally {
      store.close()
    }
  } catch (error) {
    return error instanceof StoreMissingError ? { none: true } : { error: (error as Error).message }
  }
}

function settingsSummary(home: string): HomeReport['settings'] {
  try {
    const { slots } = readLabSettings(home)
    return slots === undefined ? {} : { slots }
  } catch (error) {
    return { error: (error as Error).message }
  }
}

export function homeLines(report: HomeReport): string[] {
  const { store, settings } = report
  const storeText =
    'error' in store ? `unreadable: ${store.error}` : 'none' in store ? 'no run store yet' : `${store.runs} run(s), ${store.experiments} experiment(s)`
  const imported = report.datasets.filter((d) => d.imported).map((d) => d.name)
  return [
    `home      ${report.path} (from ${report.from})${report.exists ? '' : ': does not exist yet (made at the first run)'}`,
    `  store   ${storeText}`,
    `  data    mnist (embedded)${imported.length ? `, ${imported.join(', ')}` : ''}; not imported: ${
      report.datasets
        .filter((d) => !d.imported)
        .map((d) => d.name)
        .join(', ') || 'none'
    }`,
    `  service ${report.service ? `a ${report.service.mode} runs here (process ${report.service.pid}, ${report.service.url})` : 'none running'}`,
    `  slots   ${'error' in settings ? `settings.json is bad: ${settings.error}` : settings.slots === undefined ? 'default (no settings.json value)' : `${settings.slots} (settings.json)`}`
  ]
}
