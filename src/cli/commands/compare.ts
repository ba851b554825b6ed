// `fixmatch-lab compare`: several variants (and seeds) on one shared split,
// then the study's table (compare-table.ts): top-1 under --stat, top-5, train time.
import { VARIANTS, type Variant } from '../../shared/config.ts'
import { isMethodName, METHOD_DESCRIPTORS } from '../../shared/methods/index.ts'
import { formatDuration } from '../../shared/format.ts'
import { runResultsOfSeries, STAT_TITLES } from '../../shared/results/run-results.ts'
import { getPreset, presetNames } from '../../shared/presets.ts'
import { loadDatasetForConfig } from '../../main/dataset-for-config.ts'
import { resolveHome } from '../../main/paths.ts'
import { CliError, parseFlags } from '../args.ts'
import { backendOverride, buildConfig } from '../config-input.ts'
import { runInForeground, type RunOutcome } from '../run-one.ts'
import { compareJson, formatCompareTable, parsePairedFlag, parseStatFlag, type CompareColumn } from '../compare-table.ts'

const USAGE = `Usage: fixmatch-lab compare [--preset NAME] [--variants ${VARIANTS.join(',')}] [--seeds 1,2,3]
                            [--config FILE] [--set key=value ...] [--home DIR] [--backend B]
                            [--stat final|best|median20] [--per-seed] [--paired VARIANT] [--json]

Runs each variant for each seed on ONE labeled split (splitSeed stays fixed),
then prints the table. Presets: ${presetNames().join(', ')} (default mnist-quick).

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
${METHOD_DESCRIPTORS.map((m) => `  ${m.name.padEnd(3)} ${m.title}: ${m.doc}`).join('\n')}`

function parseList(flag: string, text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined
  const items = text.split(',').map((s) => s.trim()).filter(Boolean)
  if (items.length === 0) throw new CliError(`--${flag} needs a comma-separated list`)
  return items
}

/** Each variant's finished runs as table columns: results from each run's evaluations. */
function compareColumns(outcomes: RunOutcome[], variants: Variant[]): CompareColumn[] {
  return variants.map((variant) => {
    const runs = outcomes.filter((o) => o.config.variant === variant)
    return {
      variant,
      runs: runs.flatMap((o) => {
        const results = runResultsOfSeries(o.evalTop1)
        return results ? [{ variant, seed: o.config.seed, splitHash: o.result.splitHash, results }] : []
      }),
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

  const backend = backendOverride(values.backend)
  const base = buildConfig({ preset: presetName, configFile: values.config, sets: values.set }, backend)
  const configs = variants.flatMap((variant) => (seeds ?? [base.seed]).map((seed) => buildConfig({ preset: presetName, configFile: values.config, sets: values.set }, { ...backend, variant, seed })))
  const dataset = await loadDatasetForConfig(base, resolveHome(values.home))
  console.error(`compare: ${variants.join(', ')} x seeds ${(seeds ?? [base.seed]).join(',')} on ${dataset.name}, ${base.labelsPerClass} labels per class (split seed ${base.splitSeed}), ${base.steps} steps each`)

  const outcomes: RunOutcome[] = []
  for (const [i, config] of configs.entries()) {
    const outcome = await runInForeground(config, dataset, `[${i + 1}/${configs.length}] ${config.variant} seed ${config.seed}`, false)
    outcomes.push(outcome)
    if (outcome.result.status !== 'finished') {
      console.error('compare: interrupted; the table shows the runs that finished')
      break
    }
    const f = outcome.result.final
    console.error(`  ${config.variant} seed ${config.seed}: top-1 ${f?.top1.toFixed(2)}% in ${formatDuration(outcome.result.trainSeconds)} (split ${outcome.result.splitHash})`)
  }
  const finished = outcomes.filter((o) => o.result.status === 'finished')
  const columns = compareColumns(finished, variants.filter((v) => finished.some((o) => o.config.variant === v)))
  console.log(formatCompareTable(columns, { stat, perSeed: values['per-seed'], reference }))
  if (values.json) {
    const splitHashes = [...new Set(finished.map((o) => o.result.splitHash))]
    console.log(JSON.stringify({ preset: presetName ?? null, dataset: dataset.name, backend: finished[0]?.result.backend.backend ?? null, splitHash: splitHashes[0] ?? null, ...compareJson(columns, { stat, reference }) }))
  }
  return finished.length === configs.length ? 0 : 130
}
