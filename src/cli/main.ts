// The `fixmatch-lab` command: dispatches to one module per sub-command.
import { CliError } from './args.ts'
import { EXIT, exitKindOf } from './exit-codes.ts'
import { exitQuietlyOnClosedPipe } from './closed-pipe.ts'
import { packageRoot } from '../main/package-root.ts'

type Command = (argv: string[]) => Promise<number>

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  run: {
    summary: 'one training run in the foreground (default preset mnist-quick)',
    load: async () => (await import('./commands/run.ts')).runCommand
  },
  compare: {
    summary: "variants x seeds on one shared split, then the study's table",
    load: async () => (await import('./commands/compare.ts')).compareCommand
  },
  data: {
    summary: 'datasets: list, download cifar10|cifar100, import ARCHIVE',
    load: async () => (await import('./commands/data.ts')).dataCommand
  },
  doctor: {
    summary: 'the backend in use, CPU/GPU seen, CUDA/cuDNN checks and fixes',
    load: async () => (await import('./commands/doctor.ts')).doctorCommand
  },
  conformance: {
    summary: 'run every reference fixture in a folder and report pass/fail',
    load: async () => (await import('./commands/conformance.ts')).conformanceCommand
  },
  queue: {
    summary: 'queue runs or variants x seeds, list, move, pause, resume, cancel, retry',
    load: async () => (await import('./commands/queue.ts')).queueCommand
  },
  worker: {
    summary: 'work the queue without a display (the overnight mode)',
    load: async () => (await import('./commands/worker.ts')).workerCommand
  },
  runs: {
    summary: 'the recorded runs with their summaries (read-only)',
    load: async () => (await import('./commands/runs.ts')).runsCommand
  },
  export: {
    summary: 'a run as CSV, JSON, or a portable bundle with its checkpoint',
    load: async () => (await import('./commands/export.ts')).exportCommand
  },
  import: {
    summary: 'a run bundle from another install',
    load: async () => (await import('./commands/import.ts')).importCommand
  },
  serve: {
    summary: 'the app and its API over HTTP on 127.0.0.1 (headless)',
    load: async () => (await import('./commands/serve.ts')).serveCommand
  },
  bench: {
    summary: 'benchmarks: train-step, augment, store, slots',
    load: async () => (await import('./commands/bench.ts')).benchCommand
  }
}

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(14)}${c.summary}`)
  return `Usage: fixmatch-lab <command> [options]   (fixmatch-lab --version: the version)\n\nCommands:\n${lines.join('\n')}\n\nRun \`fixmatch-lab <command> --help\` for a command's options.`
}

export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnClosedPipe()
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage())
    return name ? EXIT.ok : EXIT.usage
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(packageRoot()?.version ?? 'unknown (no fixmatch-lab package.json above the CLI)')
    return EXIT.ok
  }
  const command = commands[name]
  if (!command) {
    console.error(`fixmatch-lab: unknown command "${name}"\n\n${usage()}`)
    return EXIT.usage
  }
  try {
    return await (
      await command.load()
    )(rest)
  } catch (err) {
    if (err instanceof CliError) {
      console.error(`fixmatch-lab ${name}: ${err.message}`)
      return EXIT[err.kind]
    }
    // Anything else comes from the service or the store (a missing run, a locked store: their kind
    // picks the status, as for the API) or is a failure of the job: say what, keep the stack for DEBUG.
    console.error(`fixmatch-lab ${name}: error: ${(err as Error)?.message ?? String(err)}`)
    if (process.env.DEBUG) console.error((err as Error)?.stack)
    return EXIT[exitKindOf(err)]
  }
}
