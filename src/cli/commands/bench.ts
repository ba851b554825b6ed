// `fixmatch-lab bench <name>`: each benchmark prints progress to stderr and,
// with --json, a JSON object as its last stdout line.
import { CliError } from '../args.ts'

const benches: Record<string, { summary: string; load: () => Promise<(argv: string[]) => Promise<number>> }> = {
  'train-step': {
    summary: 'K training steps of a model on a backend: images/s',
    load: async () => (await import('./bench-train-step.ts')).benchTrainStepCommand
  },
  augment: {
    summary: 'weak+strong view pairs and SimCLR views per second, one thread',
    load: async () => (await import('./bench-augment.ts')).benchAugmentCommand
  },
  store: {
    summary: 'a store of many runs: list and chart-read times while a writer inserts',
    load: async () => (await import('./bench-store.ts')).benchStoreCommand
  },
  slots: {
    summary: 'compare with the default slots vs one slot: wall time, same results',
    load: async () => (await import('./bench-slots.ts')).benchSlotsCommand
  },
  all: { summary: 'every benchmark in turn', load: async () => (await import('./bench-all.ts')).benchAllCommand }
}

function usage(): string {
  const lines = Object.entries(benches).map(([name, b]) => `  ${name.padEnd(12)}${b.summary}`)
  return `Usage: fixmatch-lab bench <benchmark> [options] [--json]\n\nBenchmarks:\n${lines.join('\n')}\n\nRun \`fixmatch-lab bench <benchmark> --help\` for its options.`
}

export async function benchCommand(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === '--help' || name === '-h') {
    console.log(usage())
    return 0
  }
  if (!name || !benches[name]) {
    throw new CliError(`bench needs one of: ${Object.keys(benches).join(', ')}${name ? ` (got "${name}")` : ''}\n\n${usage()}`)
  }
  return (await benches[name].load())(rest)
}
