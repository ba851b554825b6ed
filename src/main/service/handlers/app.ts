// 'app/info' and 'presets/list': what this install is and offers, the
// datasets in its home folder included (the editor warns before queueing a
// run on one that is not imported: it would fail at once).
import type { DatasetAvailability, ParsedHandlers } from '../../../shared/api.ts'
import { CIFAR_FORMATS, cifarMissingMessage, isCifarInstalled } from '../../data/cifar.ts'
import { PRESETS } from '../../../shared/presets.ts'
import { PRODUCT_NAME } from '../../paths.ts'
import { collectReport } from '../../doctor.ts'
import type { ServiceCore } from '../context.ts'
import { lastReportedBackend } from '../slots.ts'

type AppHandlers = Pick<ParsedHandlers, 'app/info' | 'presets/list'>

export function appHandlers(core: ServiceCore): AppHandlers {
  // doctor probes nvidia-smi and the CUDA libraries: once per backend seen, not per call
  const adviceByBackend = new Map<string, Promise<string[]>>()

  return {
    async 'app/info'() {
      // the backend the trainer reported last (the service itself never loads tfjs)
      const latest = lastReportedBackend(core.store)
      const backend = latest?.backend ?? null
      const key = backend ?? 'wasm'
      if (!adviceByBackend.has(key))
        adviceByBackend.set(
          key,
          collectReport(key).then((report) => report.advice)
        )
      return {
        name: PRODUCT_NAME,
        version: core.settings.appVersion,
        home: core.settings.homeDir,
        backend,
        device: latest?.device ?? null,
        advice: await adviceByBackend.get(key)!,
        datasets: await datasetAvailability(core.settings.homeDir)
      }
    },

    async 'presets/list'() {
      return Object.entries(PRESETS).map(([name, preset]) => ({
        name,
        description: preset.description,
        config: preset.config,
        defaultVariants: preset.defaultVariants
      }))
    }
  }
}

/** Read each time: a dataset imported with the CLI while the page is open counts at once. */
async function datasetAvailability(homeDir: string): Promise<DatasetAvailability[]> {
  const cifar = await Promise.all(
    (Object.keys(CIFAR_FORMATS) as (keyof typeof CIFAR_FORMATS)[]).map(async (name): Promise<DatasetAvailability> => {
      const installed = await isCifarInstalled(name, homeDir)
      return installed ? { name, installed } : { name, installed, howToGet: cifarMissingMessage(name, homeDir) }
    })
  )
  return [{ name: 'mnist', installed: true }, ...cifar]
}
