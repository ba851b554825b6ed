// `fixmatch-lab compare`: several variants (and seeds) on one shared split,
// then the study's table (compare-table.ts): top-1 under --stat, top-5, train
// time. The runs are an experiment in the home's store, trained by the lab
// service on its slots (several at once), each in its own trainer.
import { VARIANTS, type Variant } from '../../shared/config.ts'
import { isMethodName, METHOD_DESCRIPTORS } from '../../shared/methods/index.ts'
import { formatDuration } from '../../shared/format.ts'
import { STAT_TITLES } from '../../shared/results/run-results.ts'
import { getPreset, presetNames } from '../../shared/presets.ts'
import { loadDatasetForConfig } from '../../main/dataset-for-config.ts'
import { resolveHome } from '../../main/paths.ts'
import { CliError, parseFlags, slotsFlag, SLOTS_USAGE } from '../args.ts'
import { EXIT } from '../exit-codes.ts'
import { backendOverride, buildConfig } from '../config-input.ts'
import { trainInForeground, type RunOutcome } from '../foreground-runs.ts'
import { compareJson, formatCompareTable, parsePairedFlag, parseStatFlag, type CompareColumn } from '../compare-table.ts'

const USAGE = `Usage: fixmatch-lab compare [--preset NAME] [--variants ${VARIANTS.join(',')}] [--seeds 1,2,3]
                            [--config FILE] [--set key=value ...] [--home DIR] [--backend B] [--slots N]
                            [--stat final|best|median20] [--per-seed] [--paired VARIANT] [--json]

Runs each variant for each seed on ONE labeled split (splitSeed stays fixed),
then prints the table. The runs are recorded as an experiment in the home's
store (History, Results); ${SLOTS_USAGE}. Ctrl-C pauses the running ones with
a checkpoint: a worker (or \`queue resume\`) continues the experiment. Presets: ${presetNames().join(', ')} (default mnist-quick).

The table's top-1 is the EMA model's, mean ± sample std over seeds (n seeds):
  --stat final     ${STAT_TITLES.final} (the default)
  --stat best      ${STAT_TITLES.best} (as TorchSSL reports)
  --stat median20  ${STAT_TITLES.median20} (as the FixMatch paper; of all of
                   them when a run has fewer, and the table says how many)
  --per-seed       adds one row per seed with its value
  --paired O       adds each variant's difference from O per seed (seeds run by
                   both on the split), with a 95% paired t interval and whether
                   it excludes 0; the interval needs two seeds
With --json the last line is {"rows": [{variant, stat, top1Mean, top1Std, n,
top5Mean, trainSeconds, seeds, top1PerSeed, perSeed: [{seed, final, best,
medianLast20: {value, n}}]}], "paired": [{variant, reference, seeds,
differences, mean, low, high, n}] (with --paired), ...}.

Methods (variants):
${methodLines()}`

/** One line per method: its name, then its title where that says more, and its doc. */
function methodLines(): string {
  const width = Math.max(...METHOD_DESCRIPTORS.map((m) => m.name.length))
  return METHOD_DESCRIPTORS.map((m) => `  ${m.name.padEnd(width)}  ${m.title === m.name ? '' : `${m.title}: `}${m.doc}`).join('\n')
}

function parseList(flag: string, text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (items.length === 0) throw new CliError(`--${flag} needs a comma-separated list`)
  return items
}

/** Each variant's finished runs as table columns, with the results the service recorded for each. */
function compareColumns(outcomes: RunOutcome[], variants: Variant[]): CompareColumn[] {
  return variants.map((variant) => {
    const runs = outcomes.filter((o) => o.config.variant === variant)
    return {
      variant,
      runs: runs.flatMap((o) => (o.results ? [{ variant, seed: o.config.seed, splitHash: o.result.splitHash, results: o.results }] : [])),
      top5: runs.flatMap((o) => (o.result.final ? [o.result.final.top5] : [])),
      trainSeconds: runs.map((o) => o.result.trainSeconds)
    }
  })
}

export async function compareCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      preset: { type: 'string' },
      variants: { type: 'string' },
      seeds: { type: 'string' },
      config: { type: 'string' },
      set: { type: 'string', multiple: true },
      home: { type: 'string' },
      backend: { type: 'string' },
      slots: { type: 'string' },
      stat: { type: 'string' },
      'per-seed': { type: 'boolean' },
      paired: { type: 'string' },
      json: { type: 'boolean' }
    },
    USAGE
  )
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const presetName = values.preset ?? (values.config ? undefined : 'mnist-quick')
  const variants = (parseList('variants', values.variants) ?? (presetName ? getPreset(presetName).defaultVariants : ['O', 'L', 'U'])) as Variant[]
  for (const v of variants) if (!isMethodName(v)) throw new CliError(`--variants: "${v}" is not a variant (${VARIANTS.join(', ')})`)
  const stat = parseStatFlag(values.stat)
  const reference = parsePairedFlag(values.paired, variants)
  const seedTexts = parseList('seeds', values.seeds)
  const seeds = seedTexts?.map((s) => {
    const n = Number(s)
    if (!Number.isInteger(n) || n < 0) throw new CliError(`--seeds: "${s}" is not a non-negative integer`)
    return n
  })

  const slots = slotsFlag(values.slots)
  const backend = backendOverride(values.backend)
  const base = buildConfig({ preset: presetName, configFile: values.config, sets: values.set }, backend)
  const seedList = seeds ?? [base.seed]
  const home = resolveHome(values.home)
  // loaded here too: a missing dataset is named before anything is queued
  const dataset = await loadDatasetForConfig(base, home)
  console.error(
    `compare: ${variants.join(', ')} x seeds ${seedList.join(',')} on ${dataset.name}, ${base.labelsPerClass} labels per class (split seed ${base.splitSeed}), ${base.steps} steps each`
  )

  // reported variant by variant, as before; the experiment queues them seed by seed
  const order = variants.flatMap((variant) => seedList.map((seed) => ({ variant, seed })))
  const { outcomes, interrupted } = await trainInForeground({
    home,
    slots,
    async queue(handlers) {
      const name = `compare ${variants.join(',')} x seeds ${seedList.join(',')}${presetName ? ` (${presetName})` : ''}`
      const experiment = await handlers['experiments/create']({ name, preset: presetName ?? null, config: base, variants, seeds: seedList })
      const runs = await handlers['runs/list']({ experimentId: experiment.id })
      return order.map(({ variant, seed }) => runs.find((run) => run.variant === variant && run.seed === seed)!.id)
    },
    label: (run, i) => `[${i + 1}/${order.length}] ${run.variant} seed ${run.seed}`,
    onEnded({ config, result }) {
      if (result.status !== 'finished') return
      console.error(
        `  ${config.variant} seed ${config.seed}: top-1 ${result.final?.top1.toFixed(2)}% in ${formatDuration(result.trainSeconds)} (split ${result.splitHash})`
      )
    }
  })
  if (interrupted) console.error('compare: interrupted; the table shows the runs that finished')
  const failed = outcomes.filter((o) => o.result.status === 'failed')
  for (const o of failed) console.error(`compare: run ${o.runId} (${o.config.variant} seed ${o.config.seed}) failed: ${o.result.error}`)
  const finished = outcomes.filter((o) => o.result.status === 'finished')
  const columns = compareColumns(
    finished,
    variants.filter((v) => finished.some((o) => o.config.variant === v))
  )
  console.log(formatCompareTable(columns, { stat, perSeed: values['per-seed'], reference }))
  if (values.json) {
    const splitHashes = [...new Set(finished.map((o) => o.result.splitHash))]
    console.log(
      JSON.stringify({
        preset: presetName ?? null,
        dataset: dataset.name,
        backend: finished[0]?.result.backend.backend ?? null,
        splitHash: splitHashes[0] ?? null,
        ...compareJson(columns, { stat, reference })
      })
    )
  }
  if (failed.length) return 1
  return finished.length === order.length ? EXIT.ok : EXIT.interrupted
}
