// What the service tells about a run between an ask and its effect: a pause or
// cancel is "pending" in the run's record until the trainer has ended its step
// (queue/list, run/status, `queue list`).
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { RunRecord } from '../../src/shared/api.ts'
import { main } from '../../src/cli/main.ts'
import { printServiceEvents } from '../../src/cli/service-output.ts'
import { publishService } from '../../src/cli/service-file.ts'
import { startLabServer } from '../../src/main/server/index.ts'
import { fakeLauncher, openService, tempHome, tinyConfig, waitForStatus, waitUntil, type FakeTrainer } from './service-helpers.ts'

afterEach(() => vi.restoreAllMocks())

async function cliOut(...argv: string[]): Promise<string> {
  const out: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((...args) => void out.push(args.join(' ')))
  try {
    expect(await main(argv)).toBe(0)
  } finally {
    log.mockRestore()
  }
  return out.join('\n')
}

/** What a worker prints on stderr for these events, the runs' lines. */
function printed(service: ReturnType<typeof openService>): string[] {
  const lines: string[] = []
  const real = process.stderr.write.bind(process.stderr)
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    // "run 1 O seed 1 (mnist, 2/class): ..." kept as "run 1: ..."
    if (String(chunk).startsWith('run ')) lines.push(String(chunk).trim().replace(/^run (\d+) [^:]*: /, 'run $1: '))
    else return real(chunk as string, ...(rest as []))
    return true
  })
  printServiceEvents(service.events, true)
  return lines
}

function started(trainer: FakeTrainer, resumedFromStep: number | null = null): void {
  trainer.report({
    type: 'started',
    backend: 'wasm',
    device: 'test',
    splitHash: '0123456789abcdef',
    resumedFromStep,
    trainSeconds: 0,
    rejected: [],
    libraryVersions: { tfjs: 'test' },
    os: 'test'
  })
}

describe('a pause or cancel pending until it has taken effect', () => {
  for (const [ask, last, status, pending, words] of [
    ['queue/pause', { type: 'paused', step: 3, trainSeconds: 3 }, 'paused', 'pause', 'pausing'],
    ['queue/cancel', { type: 'stopped', step: 3, trainSeconds: 3 }, 'cancelled', 'cancel', 'cancelling']
  ] as const) {
    it(`${ask}: the record says "${pending}" while the trainer ends its step, in the list, the events and \`queue list\``, async () => {
      const home = tempHome()
      const launcher = fakeLauncher()
      const service = openService({ homeDir: home, launcher })
      const runId = (await service.handlers['queue/add']({ config: tinyConfig() })).id
      service.start()
      await waitUntil(() => launcher.trainers.length === 1)
      const trainer = launcher.trainers[0]
      started(trainer)
      const events: RunRecord[] = []
      service.events.on('run/status', ({ run }) => void events.push(run))
      const stderr = printed(service)
      expect((await service.handlers['queue/list']())[0].pending).toBeNull()

      await service.handlers[ask]({ runId })
      expect(trainer.received.map((m) => m.type)).toContain(ask === 'queue/pause' ? 'pause' : 'stop')
      expect((await service.handlers['queue/list']())[0]).toMatchObject({ id: runId, status: 'running', pending })
      expect(events.at(-1)).toMatchObject({ status: 'running', pending })
      expect(stderr.some((line) => line.endsWith(`: ${words}...`))).toBe(true)

      // `queue list` asks the running service (only it knows), and says so in the status column
      const server = await startLabServer({ handlers: service.handlers, events: service.events })
      const unpublish = publishService(home, { url: server.url, token: server.token, mode: 'worker' })
      try {
        expect(await cliOut('queue', 'list', '--home', home)).toMatch(new RegExp(`${runId}\\s+running \\(${words}\\.\\.\\.\\)`))
        expect(JSON.parse(await cliOut('queue', 'list', '--json', '--home', home))[0].pending).toBe(pending)
      } finally {
        unpublish()
        await server.close()
      }

      trainer.report(last)
      trainer.exit(0)
      await waitForStatus(service, runId, [status])
      expect(events.at(-1)).toMatchObject({ status, pending: null })
      expect((await service.handlers['runs/get']({ runId })).status).toBe(status)
      const list = await service.handlers['queue/list']()
      expect(list.find((run) => run.id === runId)?.pending ?? null).toBeNull()
    })
  }
})
