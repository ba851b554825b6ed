// What the service tells about a run between an ask and its effect, and where
// a run continues: a pause or cancel is "pending" in the run's record until the
// trainer has ended its step (queue/list, run/status, `queue list`), and the
// recovery lines name the newest whole checkpoint's step, not the last step
// the trainer reported (which it trains again), or say it restarts from 0.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { RunRecord } from '../../src/shared/api.ts'
import { main } from '../../src/cli/main.ts'
import { printServiceEvents } from '../../src/cli/service-output.ts'
import { publishService } from '../../src/cli/service-file.ts'
import { startLabServer } from '../../src/main/server/index.ts'
import { openStore } from '../../src/main/store/index.ts'
import { checkpointDir } from '../../src/main/service/context.ts'
import { closeService, fakeLauncher, openService, tempHome, tinyConfig, waitForStatus, waitUntil, type FakeTrainer } from './service-helpers.ts'

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
    if (String(chunk).startsWith('run '))
      lines.push(
        String(chunk)
          .trim()
          .replace(/^run (\d+) [^:]*: /, 'run $1: ')
      )
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

/** A checkpoint file that exists with its recorded size, as the trainer writes one. */
function reportCheckpoint(trainer: FakeTrainer, home: string, runId: number, step: number): void {
  const dir = checkpointDir(home, runId)
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `step-${String(step).padStart(9, '0')}.ckpt`)
  const bytes = crypto.randomBytes(64)
  fs.writeFileSync(file, bytes)
  trainer.report({
    type: 'checkpoint',
    step,
    path: file,
    bytes: bytes.length,
    sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
    trainSeconds: step,
    splitHash: '0123456789abcdef'
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

describe('recovery lines name where the run continues', () => {
  it('no checkpoint yet at step 7: "restarts from step 0", not "continue from step 7"', async () => {
    const home = tempHome()
    const launcher = fakeLauncher()
    const service = openService({ homeDir: home, launcher, autoResume: true })
    const stderr = printed(service)
    const runId = (await service.handlers['queue/add']({ config: tinyConfig() })).id
    service.start()
    await waitUntil(() => launcher.trainers.length === 1)
    started(launcher.trainers[0])
    launcher.trainers[0].report({ type: 'heartbeat', step: 7, trainSeconds: 7 })
    launcher.trainers[0].exit(1)
    await waitUntil(() => launcher.trainers.length === 2, 10_000, 'the automatic resume')
    const said = service.store.events.list({ runId }).map((e) => e.message)
    expect(said.some((m) => m.startsWith('resuming automatically (attempt 1 of 3): it restarts from step 0 (no checkpoint left)'))).toBe(true)
    expect(stderr).toContain(`run ${runId}: queued: it restarts from step 0 (no checkpoint left)`)
    expect(stderr.join('\n')).not.toMatch(/from step 7/)
    expect(stderr.at(-1)).toMatch(/training from step 0\/8/)
  })

  it('a checkpoint at step 4, last reported step 7: the lines, `queue list` and a restarted service say step 4', async () => {
    const home = tempHome()
    const launcher = fakeLauncher()
    const service = openService({ homeDir: home, launcher })
    const stderr = printed(service)
    const runId = (await service.handlers['queue/add']({ config: tinyConfig() })).id
    service.start()
    await waitUntil(() => launcher.trainers.length === 1)
    const trainer = launcher.trainers[0]
    started(trainer)
    reportCheckpoint(trainer, home, runId, 4)
    trainer.report({ type: 'heartbeat', step: 7, trainSeconds: 7 })
    trainer.exit(1)
    await waitForStatus(service, runId, ['interrupted'])
    const interrupted = await service.handlers['runs/get']({ runId })
    expect(interrupted).toMatchObject({ step: 7 })
    expect(stderr.at(-1)).toMatch(new RegExp(`^run ${runId}: interrupted at step 7/8: .*; a resume continues from its checkpoint at step 4/8$`))
    const table = await cliOut('queue', 'list', '--home', home)
    expect(table, table).toMatch(new RegExp(`${runId}\\s+interrupted\\s+O seed 1 \\(mnist, 2/class\\)\\s+local\\s+7/8 \\(resumes from 4\\)`))

    await service.handlers['queue/resume']({ runId })
    expect(service.store.events.list({ runId }).map((e) => e.message)).toContain('resumed by hand: queued, it continues from its checkpoint at step 4')
    await waitUntil(() => launcher.trainers.length === 2)
    expect(stderr).toContain(`run ${runId}: queued: it continues from its checkpoint at step 4/8`)
    expect(stderr.at(-1)).toBe(`run ${runId}: training from its checkpoint at step 4/8 on wasm`)
    // the second trainer gets the checkpoint to resume from
    const start = launcher.trainers[1].received.find((m) => m.type === 'start')
    expect(start && start.type === 'start' && start.resumeCandidates.map((c) => c.step)).toEqual([4])

    // a service that died while it trained: the next one says where the run continues
    launcher.trainers[1].report({ type: 'heartbeat', step: 6, trainSeconds: 6 })
    await closeService(service, false)
    const store = openStore(home)
    store.queue.setStatus(runId, 'running')
    store.close()
    const next = openService({ homeDir: home, launcher: fakeLauncher(), autoResume: true })
    const said = next.store.events.list({ runId }).map((e) => e.message)
    expect(
      said.some((m) =>
        /^interrupted: the previous lab service stopped while it trained \(last recorded step \d+\); a resume continues from its checkpoint at step 4$/.test(m)
      )
    ).toBe(true)
    expect(said).toContain('resuming automatically: it continues from its checkpoint at step 4')
  })
})
