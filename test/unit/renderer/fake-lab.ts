// A LabClient for view tests: canned answers per command, a record of every
// call, and emit() to push events as the service would.
import type { CommandName, EventName, Events, LabClient, Request, Response } from '../../../src/shared/api.ts'
import type { RunRecord } from '../../../src/shared/api.ts'
import { resolveConfig, type Variant } from '../../../src/shared/config.ts'

type Answers = { [C in CommandName]?: (request: Request<C>) => Response<C> | Promise<Response<C>> }

export interface FakeLab {
  client: LabClient
  calls: { command: CommandName; request: unknown }[]
  callsOf(command: CommandName): unknown[]
  emit<E extends EventName>(event: E, payload: Events[E]): void
  listenerCount(event: EventName): number
}

export function fakeLab(answers: Answers): FakeLab {
  const calls: { command: CommandName; request: unknown }[] = []
  const listeners = new Map<EventName, Set<(payload: never) => void>>()
  const client: LabClient = {
    async call(command, request) {
      calls.push({ command, request })
      const answer = answers[command] as ((request: unknown) => unknown) | undefined
      if (!answer) throw new Error(`fake lab: no answer for "${command}"`)
      return (await answer(request)) as never
    },
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener as (payload: never) => void)
      return () => set.delete(listener as (payload: never) => void)
    }
  }
  return {
    client,
    calls,
    callsOf: (command) => calls.filter((c) => c.command === command).map((c) => c.request),
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) (listener as (payload: unknown) => void)(payload)
    },
    listenerCount: (event) => listeners.get(event)?.size ?? 0
  }
}

let nextId = 1

export function makeRun(overrides: Partial<RunRecord> & { variant?: Variant; seed?: number } = {}): RunRecord {
  const variant = overrides.variant ?? 'O'
  const seed = overrides.seed ?? 1
  const id = overrides.id ?? nextId++
  return {
    id,
    experimentId: 1,
    config: resolveConfig({ variant, seed }),
    configHash: `hash-${id}`,
    variant,
    seed,
    splitHash: 'split',
    status: 'finished',
    queuePosition: null,
    createdAt: '2025-11-28T10:00:00.000Z',
    startedAt: '2025-11-28T10:00:01.000Z',
    finishedAt: '2025-11-28T11:00:00.000Z',
    trainSeconds: 3600,
    step: 1000,
    totalSteps: 1000,
    backend: 'wasm',
    device: 'cpu',
    error: null,
    tags: [],
    note: null,
    summary: {},
    ...overrides
  }
}

/** Lets pending promise callbacks (and Vue's re-render) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}
