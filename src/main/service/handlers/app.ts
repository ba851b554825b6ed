// 'app/info' and 'presets/list': what this install is and offers.
import type { Handlers } from '../../../shared/api.ts'
import { PRESETS } from '../../../shared/presets.ts'
import { PRODUCT_NAME } from '../../paths.ts'
import { collectReport } from '../../doctor.ts'
import type { ServiceCore } from '../context.ts'

type AppHandlers = Pick<Handlers, 'app/info' | 'presets/list'>

export function appHandlers(core: ServiceCore): AppHandlers {
  // doctor probes nvidia-smi and the CUDA libraries: once per backend seen, not per call
  const adviceByBackend = new Map<string, string[]>()

  return {
    async 'app/info'() {
      // the backend the trainer reported last (the service itself never loads tfjs)
      const latest = core.store.runs.list({ limit: 20 }).find((run) => run.backend !== null)
      const backend = latest?.backend ?? null
      const key = backend ?? 'wasm'
      if (!adviceByBackend.has(key)) adviceByBackend.set(key, collectReport(key).advice)
      return {
        name: PRODUCT_NAME,
        version: core.settings.appVersion,
        home: core.settings.homeDir,
        backend,
        device: latest?.device ?? null,
        advice: adviceByBackend.get(key)!
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
