// `fixmatch-lab bench all` (npm run bench): every benchmark, each in its own
// process (so backends and memory do not interfere), then one summary.
import { spawnSync } from 'node:child_process'
import { inPackage } from '../../main/package-root.ts'
import { parseFlags } from '../args.ts'

const BIN = inPackage('bin', 'fixmatch-lab.js')

/** name, CLI arguments, and how to read the headline figure from its JSON */
const SUITE: { name: string; args: string[]; headline: (r: Record<string, number>) => string }[] = [
  {
    name: 'train-step wrn-28-2 (wasm, batch 16)',
    args: ['bench', 'train-step', '--backend', 'wasm', '--model', 'wrn-28-2', '--batch', '16', '--steps', '3'],
    headline: (r) => `${r.imagesPerSecond?.toFixed(2)} images/s`
  },
  {
    name: 'train-step small-cnn (wasm, batch 64, 28x28x1)',
    args: ['bench', 'train-step', '--backend', 'wasm', '--model', 'small-cnn', '--input', 'mnist', '--batch', '64', '--steps', '10'],
    headline: (r) => `${r.imagesPerSecond?.toFixed(1)} images/s`
  },
  {
    name: 'augment (1 thread, 32x32x3)',
    args: ['bench', 'augment', '--seconds', '3'],
    headline: (r) => `${Math.round(r.weakStrongPairsPerSecond)} weak+strong pairs/s, ${Math.round(r.simclrViewsPerSecond)} SimCLR views/s`
  },
  {
    name: 'store (1,000 runs x 20,000 metric rows)',
    args: ['bench', 'store'],
    headline: (r) => `list runs ${r.listRunsMs?.toFixed(1)} ms, series ${r.seriesMs?.toFixed(1)} ms`
  },
  {
    name: 'slots: compare mnist-quick (S, O, U), default slots vs one',
    args: ['bench', 'slots'],
    headline: (r) => `${r.defaultSlotsSeconds?.toFixed(0)} s vs ${r.oneSlotSeconds?.toFixed(0)} s: ratio ${r.ratio?.toFixed(2)} (goal <= ${r.goalRatio})`
  }
]

export async function benchAllCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { json: { type: 'boolean' }, only: { type: 'string' } }, 'Usage: fixmatch-lab bench all [--only SUBSTRING] [--json]')
  const results: Record<string, unknown> = {}
  let failures = 0
  for (const bench of SUITE.filter((b) => !values.only || b.name.includes(values.only))) {
    console.error(`\n== ${bench.name}`)
    const child = spawnSync(process.execPath, [BIN, ...bench.args, '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 2 ** 20
    })
    const last = child.stdout.trim().split('\n').pop() ?? ''
    try {
      const parsed = JSON.parse(last) as Record<string, number>
      results[bench.name] = parsed
      console.error(`   ${bench.headline(parsed)}`)
    } catch {
      failures++
      results[bench.name] = { error: `exit ${child.status}` }
      console.error(`   failed (exit ${child.status})`)
    }
  }
  if (values.json) console.log(JSON.stringify(results))
  return failures === 0 ? 0 : 1
}
