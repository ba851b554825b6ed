// `fixmatch-lab bench slots`: the wall time of a compare with the default
// slots against the same compare on one slot, back to back, each in a fresh
// home and its own process. Parallelism is between runs, so the two compares
// must print the same table; only the wall time may differ.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { inPackage } from '../../main/package-root.ts'
import { formatDuration } from '../../shared/format.ts'
import { CliError, parseFlags } from '../args.ts'

const BIN = inPackage('bin', 'fixmatch-lab.js')
/** issue 12's goal for mnist-quick (S, O, U) on a 2-core machine: about 1.7x */
const GOAL_RATIO = 0.6

const USAGE = `Usage: fixmatch-lab bench slots [--preset mnist-quick] [--variants S,O,U] [--set key=value ...] [--json]

Times \`compare --preset P --variants V\` with the default slots (one per core
on a CPU backend), then with --slots 1, each in a new temporary home; prints
both wall times and their ratio (goal <= ${GOAL_RATIO}), and checks that both
compares report the same top-1 per variant.`

interface Timed {
  seconds: number
  rows: { variant: string; top1PerSeed: number[]; trainSeconds: number }[]
  backend: string | null
}

/**
 * The best ratio the runs could reach on `slots` trainers if running side by side cost nothing:
 * each run (its train seconds alone, in queue order) starts on the first free slot, and the
 * longest slot's total is compared with running them one after another. Three runs on two
 * slots, say, leave one slot idle while the last one trains; a measured ratio near this
 * bound means contention is not what keeps it above the goal.
 */
export function packingBound(runSeconds: number[], slots: number): number {
  const busy = new Array<number>(Math.max(1, slots)).fill(0)
  for (const seconds of runSeconds) busy[busy.indexOf(Math.min(...busy))]! += seconds
  const total = runSeconds.reduce((sum, seconds) => sum + seconds, 0)
  return total > 0 ? Math.max(...busy) / total : 1
}

/** Each run's train seconds in queue order (a variant's seeds one after another, at the variant's mean). */
function runSeconds(timed: Timed): number[] {
  return timed.rows.flatMap((row) => row.top1PerSeed.map(() => row.trainSeconds))
}

function timeCompare(args: string[]): Timed {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fml-bench-slots-'))
  try {
    const started = performance.now()
    const child = spawnSync(process.execPath, [BIN, 'compare', ...args, '--home', home, '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 2 ** 20
    })
    const seconds = (performance.now() - started) / 1000
    if (child.status !== 0) throw new Error(`compare ${args.join(' ')} exited with ${child.status}`)
    const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Omit<Timed, 'seconds'>
    return { seconds, rows: result.rows, backend: result.backend }
  } finally {
    fs.rmSync(home, { recursive: true, force: true })
  }
}

export async function benchSlotsCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { preset: { type: 'string' }, variants: { type: 'string' }, set: { type: 'string', multiple: true }, json: { type: 'boolean' } },
    USAGE
  )
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const args = ['--preset', values.preset ?? 'mnist-quick', '--variants', values.variants ?? 'S,O,U', ...(values.set ?? []).flatMap((set) => ['--set', set])]
  console.error(`compare ${args.join(' ')} with the default slots...`)
  const parallel = timeCompare(args)
  console.error('...and with --slots 1')
  const serial = timeCompare([...args, '--slots', '1'])
  const same = JSON.stringify(parallel.rows.map((r) => [r.variant, r.top1PerSeed])) === JSON.stringify(serial.rows.map((r) => [r.variant, r.top1PerSeed]))
  if (!same) throw new CliError('the two compares reported different results: runs in parallel must train exactly as alone')
  const ratio = parallel.seconds / serial.seconds
  const cores = os.availableParallelism()
  // the default slots: one per core on a CPU backend, one on a GPU
  const slots = parallel.backend === 'webgpu' ? 1 : cores
  const bound = packingBound(runSeconds(serial), slots)
  const perRun = (timed: Timed) => timed.rows.map((row) => `${row.variant} ${formatDuration(row.trainSeconds)}`).join(', ')
  console.error(
    `default slots (${parallel.backend}, ${cores} cores): ${formatDuration(parallel.seconds)}; one slot: ${formatDuration(serial.seconds)}; ` +
      `ratio ${ratio.toFixed(2)} (goal <= ${GOAL_RATIO}: ${ratio <= GOAL_RATIO ? 'met' : 'not met'}), same results`
  )
  console.error(
    `train time per run alone: ${perRun(serial)}; side by side: ${perRun(parallel)}; ` +
      `the best ratio ${slots} slot(s) could give these runs: ${bound.toFixed(2)}`
  )
  if (values.json)
    console.log(
      JSON.stringify({
        defaultSlotsSeconds: parallel.seconds,
        oneSlotSeconds: serial.seconds,
        ratio,
        packingBound: bound,
        runSecondsAlone: runSeconds(serial),
        runSecondsSideBySide: runSeconds(parallel),
        cores,
        backend: parallel.backend,
        goalRatio: GOAL_RATIO
      })
    )
  return 0
}
