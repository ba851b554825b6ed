// `fixmatch-lab bench <name>`: each benchmark prints progress to stderr and,
// with --json, a JSON object as its last stdout line.
import { CliError } from '../args.ts'

const benches: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  'train-step': async () => (await import('./bench-train-step.ts')).benchTrainStepCommand,
  augment: async () => (await import('./bench-augment.ts')).benchAugmentCommand,
  store: async () => (await import('./bench-store.ts')).benchStoreCommand,
  slots: async () => (await import('./bench-slots.ts')).benchSlotsCommand,
  all: async () => (await import('./bench-all.ts')).benchAllCommand
}

export async function benchCommand(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || !benches[name]) {
    throw new CliError(`bench needs one of: ${Object.keys(benches).join(', ')}${name ? ` (got "${name}")` : ''}`)
  }
  return (await benches[name]())(rest)
}
