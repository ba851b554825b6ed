// `fixmatch-lab worker`: works the queue without a display (the overnight
// mode): up to `slots` runs at once, each in its own trainer process, interrupted runs
// resumed from their last checkpoint, progress on stderr.
import { resolveHome } from '../../main/paths.ts'
import { CliError, executorFlag, EXECUTOR_USAGE, parseFlags, slotsFlag, SLOTS_USAGE } from '../args.ts'
import { EXIT } from '../exit-codes.ts'
import { hostLab } from '../hosting.ts'

const USAGE = `Usage: fixmatch-lab worker [--once | --watch] [--slots N] [--executor local|slurm] [--quiet] [--home DIR]

Trains the queued runs in order, several at once, then exits when nothing is left to
start (--watch: keeps waiting for new work; --once: one run, then exits).
Runs interrupted by a crash resume from their last checkpoint. Ctrl-C pauses
the running runs with a checkpoint and puts them first in line for next time.
${SLOTS_USAGE}.
${EXECUTOR_USAGE}.
While it works, \`fixmatch-lab queue ...\` commands on the same home go
through its API (its address and token are in <home>/service.json).`

export async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      once: { type: 'boolean' },
      watch: { type: 'boolean' },
      quiet: { type: 'boolean' },
      home: { type: 'string' },
      slots: { type: 'string' },
      executor: { type: 'string' }
    },
    USAGE
  )
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (values.once && values.watch) throw new CliError('--once and --watch exclude each other: one run, or keep waiting for more')
  const home = resolveHome(values.home)
  const hosted = await hostLab({ home, mode: 'worker', port: 0, quiet: values.quiet, slots: slotsFlag(values.slots), executor: executorFlag(values.executor) })
  const { service } = hosted
  const queued = service.store.queue.list().filter((run) => run.status === 'queued').length
  const slots = await service.handlers['settings/get']()
  const why = slots.source === 'cli' ? '--slots' : slots.source === 'file' ? slots.file : slots.defaultReason
  process.stderr.write(
    `worker on ${home}: ${queued} run${queued === 1 ? '' : 's'} queued, ${slots.slots} at once (${why})${values.watch ? ', watching for more' : ''} (control API ${hosted.server.url})\n`
  )
  const outcomes = new Map<number, string>()
  service.events.on('run/status', ({ run }) => {
    if (['finished', 'failed', 'cancelled'].includes(run.status)) outcomes.set(run.id, run.status)
  })
  service.start({ limit: values.once ? 1 : undefined })
  if (!values.watch) await Promise.race([service.whenIdle(), hosted.stopped])
  else await hosted.stopped
  await hosted.stop()
  const counts = [...outcomes.values()].reduce<Record<string, number>>((acc, status) => ({ ...acc, [status]: (acc[status] ?? 0) + 1 }), {})
  const summary =
    Object.entries(counts)
      .map(([status, n]) => `${n} ${status}`)
      .join(', ') || 'no run ended'
  process.stderr.write(`worker done: ${summary}\n`)
  if (hosted.interrupted) return EXIT.interrupted
  return counts.failed ? 1 : 0
}
