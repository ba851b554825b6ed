// `fixmatch-lab compare`: several variants (and seeds) on one shared split,
// then the study's table: variant, top-1 mean ± std, top-5, train time.
import { VARIANTS, type Variant } from '../../shared/config.ts'
import { isMethodName, METHOD_DESCRIPTORS } from '../../shared/methods/index.ts'
import { formatDuration, formatMeanStd, meanAndStd } from '../../shared/format.ts'
import { getPreset, presetNames } from '../../shared/presets.ts'
import { loadDatasetForConfig } from '../../main/dataset-for-config.ts'
import { resolveHome } from '../../main/paths.ts'
import { CliError, parseFlags } from '../args.ts'
import { backendOverride, buildConfig } from '../config-input.ts'
import { runInForeground, type RunOutcome } from '../run-one.ts'

const USAGE = `Usage: fixmatch-lab compare [--preset NAME] [--variants ${VARIANTS.join(',')}] [--seeds 1,2,3]
                            [--config FILE] [--set key=value ...] [--home DIR] [--backend B] [--json]

Runs each variant for each seed on ONE labeled split (splitSeed stays fixed),
then prints the table. Presets: ${presetNames().join(', ')} (default mnist-quick).
With --json the last line is {"rows": [{variant, top1Mean, top1Std, top5Mean,
trainSeconds, seeds}], ...}.

Methods (variants):
${METHOD_DESCRIPTORS.map((m) => `  ${m.name.padEnd(3)} ${m.title}: ${m.doc}`).join('\n')}`

export interface CompareRow {
  variant: Variant
  top1Mean: number
  top1Std: number
  top5Mean: number
  /** mean wall seconds of one run */
  trainSeconds: number
  seeds: number[]
  top1PerSeed: number[]
}

function parseList(flag: string, text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined
  const items = text.split(',').map((s) => s.trim()).filter(Boolean)
  if (items.length === 0) throw new CliError(`--${flag} needs a comma-separated list`)
  return items
}

export function summarise(outcomes: RunOutcome[], variants: Variant[]): CompareRow[] {
  return variants.map((variant) => {
    const runs = outcomes.filter((o) => o.config.variant === variant)
    const top1 = runs.map((o) => o.result.final?.top1 ?? NaN)
    const { mean, std } = meanAndStd(top1)
    return {
      variant,
      top1Mean: mean,
      top1Std: std,
      top5Mean: meanAndStd(runs.map((o) => o.result.final?.top5 ?? NaN)).mean,
      trainSeconds: meanAndStd(runs.map((o) => o.result.trainSeconds)).mean,
      seeds: runs.map((o) => o.config.seed),
      top1PerSeed: top1
    }
  })
}

export function formatTable(rows: CompareRow[]): string {
  const header = ['Model', ...rows.map((r) => r.variant)]
  const lines = [
    ['Top-1', ...rows.map((r) => formatMeanStd(r.top1PerSeed))],
    ['Top-5', ...rows.map((r) => r.top5Mean.toFixed(1))],
    ['Train time', ...rows.map((r) => formatDuration(r.trainSeconds))],
    ['Seeds', ...rows.map((r) => r.seeds.join(','))]
  ]
  const widths = header.map((_, i) => Math.max(...[header, ...lines].map((row) => row[i].length)))
  const fmt = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`
  return [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n')
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
  const rows = summarise(finished, variants.filter((v) => finished.some((o) => o.config.variant === v)))
  console.log(formatTable(rows))
  if (values.json) {
    const splitHashes = [...new Set(finished.map((o) => o.result.splitHash))]
    console.log(JSON.stringify({ preset: presetName ?? null, dataset: dataset.name, backend: finished[0]?.result.backend.backend ?? null, splitHash: splitHashes[0] ?? null, rows }))
  }
  return finished.length === configs.length ? 0 : 130
}
