// `fixmatch-lab run`: one training run in the foreground, through the lab
// service: recorded in the home's store like a queued run.
import { formatDuration } from '../../shared/format.ts'
import { presetNames } from '../../shared/presets.ts'
import { loadDatasetForConfig } from '../../main/dataset-for-config.ts'
import { resolveHome } from '../../main/paths.ts'
import { parseFlags } from '../args.ts'
import { EXIT } from '../exit-codes.ts'
import { backendOverride, buildConfig } from '../config-input.ts'
import { evalCount, trainInForeground } from '../foreground-runs.ts'

const USAGE = `Usage: fixmatch-lab run [--preset NAME] [--config FILE] [--set key=value ...] [--home DIR] [--backend B] [--json]

One run in the foreground with a progress bar (step, ETA, images/s, latest top-1).
Presets: ${presetNames().join(', ')}. --config takes a JSON or YAML file of config
keys; --set overrides one key (repeatable); --backend forces auto|node-gpu|webgpu|node|wasm|cpu. With --json the last line printed is
a JSON object: config, backend, top1, top5, trainSeconds, metric summary.
The run is recorded in the home's store (History, Results). Ctrl-C pauses it
with a checkpoint: \`fixmatch-lab queue resume ID\` or a worker continues it.`

export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      preset: { type: 'string' },
      config: { type: 'string' },
      set: { type: 'string', multiple: true },
      home: { type: 'string' },
      backend: { type: 'string' },
      json: { type: 'boolean' }
    },
    USAGE
  )
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const config = buildConfig(
    { preset: values.preset ?? (values.config ? undefined : 'mnist-quick'), configFile: values.config, sets: values.set },
    backendOverride(values.backend)
  )
  const home = resolveHome(values.home)
  // loaded here too: a missing dataset is named before anything is queued
  const dataset = await loadDatasetForConfig(config, home)
  const {
    outcomes: [{ result, metricSummary, runId }]
  } = await trainInForeground({
    home,
    queue: async (handlers) => [(await handlers['queue/add']({ config })).id],
    label: () => `${config.variant} seed ${config.seed}`
  })
  if (result.status === 'failed') throw new Error(result.error ?? `run ${runId} failed`)
  const final = result.final
  console.log(
    `${result.status}: variant ${config.variant}, ${result.step}/${config.steps} steps on ${result.backend.backend} in ${formatDuration(result.trainSeconds)}` +
      (final ? `; top-1 ${final.top1.toFixed(2)}%, top-5 ${final.top5.toFixed(2)}% (EMA, ${evalCount(config, dataset)} test images)` : '') +
      (result.status === 'stopped' ? `; paused as run ${runId}: \`fixmatch-lab queue resume ${runId}\` continues it` : '')
  )
  if (values.json) {
    console.log(
      JSON.stringify({
        status: result.status,
        config,
        backend: result.backend.backend,
        device: result.backend.device,
        splitHash: result.splitHash,
        steps: result.step,
        top1: final?.top1 ?? null,
        top5: final?.top5 ?? null,
        evalLoss: final?.loss ?? null,
        bestTop1: result.best?.top1 ?? null,
        trainSeconds: result.trainSeconds,
        metrics: metricSummary
      })
    )
  }
  return result.status === 'finished' ? EXIT.ok : EXIT.interrupted
}
