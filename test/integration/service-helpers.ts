// Shared by the service tests: temporary homes, tiny configs, services that
// the test's cleanup closes, launchers that watch or fake a trainer, and
// waiting for a run's status.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, expect } from 'vitest'
import { resolveConfig, type RunConfig } from '../../src/shared/config.ts'
import type { RunStatus } from '../../src/shared/api.ts'
import { LabService, type LabServiceOptions } from '../../src/main/service/index.ts'
import { nodeTrainerLauncher } from '../../src/main/service/node-launcher.ts'
import type { JobState, TrainerHandle, TrainerLauncher } from '../../src/main/service/launcher.ts'
import type { JobLauncher } from '../../src/main/service/executors.ts'
import type { FromTrainer, ToTrainer } from '../../src/main/trainer/protocol.ts'
import { deserializeState, type TrainingState } from '../../src/main/checkpoint/format.ts'

const homes: string[] = []
const services: LabService[] = []

afterEach(async () => {
  for (const service of services.splice(0)) await service.close({ pauseRunning: false }).catch(() => undefined)
  for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true })
})

export function tempHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fixmatch-service-'))
  homes.push(home)
  return home
}

/**
 * 8 steps of a small CNN on 2 labels per class: a few seconds in a trainer
 * process. Everything else as the presets have it, augmentWorkers: 1 above all
 * (its prefetch thread is what once kept pause, stop and Ctrl-C from landing).
 */
export function tinyConfig(overrides: Partial<RunConfig> = {}): RunConfig {
  return resolveConfig({
    dataset: 'mnist',
    model: 'small-cnn',
    backend: 'wasm',
    labelsPerClass: 2,
    batchSize: 4,
    mu: 2,
    steps: 8,
    evalEvery: 4,
    logEvery: 2,
    checkpointEvery: 2,
    evalBatchSize: 100,
    evalLimit: 200,
    ...overrides
  })
}

/**
 * Steps long enough (about half a second each here) that a pause, stop or
 * Ctrl-C landing more than a step or two late shows, and enough of them that
 * a run ignoring it would still be training long after.
 */
export function slowConfig(overrides: Partial<RunConfig> = {}): RunConfig {
  return tinyConfig({ batchSize: 32, mu: 3, steps: 60, evalEvery: 30, logEvery: 5, checkpointEvery: 2, ...overrides })
}

/**
 * A service the test's cleanup closes. One slot unless given: most tests follow
 * one run at a time; pass `slots: undefined` for the default (service-slots.test.ts).
 */
export function openService(options: LabServiceOptions): LabService {
  const service = LabService.open({ heartbeatMs: 500, slots: 1, ...options })
  services.push(service)
  return service
}

/** Closes a service early and forgets it. */
export async function closeService(service: LabService, pauseRunning = false): Promise<void> {
  services.splice(services.indexOf(service), 1)
  await service.close({ pauseRunning })
}

/** Waits until the run has one of the statuses (checked now, and on every status event). */
export function waitForStatus(service: LabService, runId: number, statuses: RunStatus[], timeoutMs = 60_000): Promise<RunStatus> {
  return new Promise((resolve, reject) => {
    const done = (status: RunStatus) => {
      unsubscribe()
      clearTimeout(timer)
      resolve(status)
    }
    const unsubscribe = service.events.on('run/status', ({ run }) => {
      if (run.id === runId && statuses.includes(run.status)) done(run.status)
    })
    const timer = setTimeout(() => {
      unsubscribe()
      reject(new Error(`run ${runId} did not become ${statuses.join(' or ')} within ${timeoutMs} ms (it is ${service.store.runs.get(runId)?.status})`))
    }, timeoutMs)
    const now = service.store.runs.get(runId)?.status
    if (now && statuses.includes(now)) done(now)
  })
}

/** The real trainer process, with a hook that sees each of its messages (after the service has). */
export function tappedLauncher(onMessage: (message: FromTrainer, handle: TrainerHandle, launch: number) => void): TrainerLauncher {
  const inner = nodeTrainerLauncher()
  let launches = 0
  return {
    launch(run) {
      const handle = inner.launch(run)
      const launch = ++launches
      return {
        pid: handle.pid,
        send: (message) => handle.send(message),
        onMessage: (listener) =>
          handle.onMessage((message) => {
            listener(message)
            onMessage(message as FromTrainer, handle, launch)
          }),
        onOutput: (listener) => handle.onOutput(listener),
        onExit: (listener) => handle.onExit(listener),
        kill: () => handle.kill()
      }
    }
  }
}

/** A trainer that is only a script: the test says what it reports and when it exits. */
export class FakeTrainer implements TrainerHandle {
  readonly pid = undefined
  readonly received: ToTrainer[] = []
  killed = false
  private messageListeners: ((message: unknown) => void)[] = []
  private exitListeners: ((code: number | null, signal: string | null) => void)[] = []

  send(message: ToTrainer): void {
    this.received.push(message)
  }
  onMessage(listener: (message: unknown) => void): void {
    this.messageListeners.push(listener)
  }
  onOutput(): void {}
  onExit(listener: (code: number | null, signal: string | null) => void): void {
    this.exitListeners.push(listener)
  }
  kill(): void {
    this.killed = true
    setImmediate(() => this.exit(null, 'SIGKILL'))
  }
  report(message: FromTrainer | Record<string, unknown>): void {
    for (const listener of this.messageListeners) listener(message)
  }
  exit(code: number | null, signal: string | null = null): void {
    for (const listener of this.exitListeners.splice(0)) listener(code, signal)
  }
}

/** A cluster job's handle as a script: the test also says when it is submitted and what state it is in. */
export class FakeJob extends FakeTrainer {
  private submittedListeners: ((jobId: string) => void)[] = []
  private stateListeners: ((state: JobState) => void)[] = []
  onJobSubmitted(listener: (jobId: string) => void): void {
    this.submittedListeners.push(listener)
  }
  onJobState(listener: (state: JobState) => void): void {
    this.stateListeners.push(listener)
  }
  submitted(jobId: string): void {
    for (const listener of this.submittedListeners) listener(jobId)
  }
  jobState(state: JobState): void {
    for (const listener of this.stateListeners) listener(state)
  }
}

export function fakeLauncher(): TrainerLauncher & { trainers: FakeTrainer[] } {
  const trainers: FakeTrainer[] = []
  return {
    trainers,
    launch() {
      const trainer = new FakeTrainer()
      trainers.push(trainer)
      return trainer
    }
  }
}

/** A stand-in for the slurm launcher: each launch is a scripted job. */
export function fakeJobLauncher(): JobLauncher & { trainers: FakeJob[] } {
  const trainers: FakeJob[] = []
  return {
    trainers,
    // no job outlives a test's service
    jobs: { queued: async () => [], cancel: async () => {} },
    launch() {
      const job = new FakeJob()
      trainers.push(job)
      return job
    },
    close: async () => {}
  }
}

/** The state in the run's checkpoint at `step` (the final one by default). */
export function checkpointState(service: LabService, runId: number, step?: number): TrainingState {
  const checkpoints = service.store.checkpoints.list(runId)
  const chosen = step === undefined ? checkpoints[0] : checkpoints.find((c) => c.step === step)
  if (!chosen) throw new Error(`run ${runId} has no checkpoint${step === undefined ? '' : ` at step ${step}`}`)
  return deserializeState(fs.readFileSync(chosen.path), chosen.path)
}

/** The same weights, BN buffers, EMA and momentum, bit for bit, at the same step. */
export function expectSameWeights(actual: TrainingState, expected: TrainingState): void {
  expect(actual.step).toBe(expected.step)
  for (const group of ['params', 'buffers', 'ema', 'momentum'] as const) {
    const names = Object.keys(expected.tensors[group])
    expect(Object.keys(actual.tensors[group]).sort()).toEqual([...names].sort())
    for (const name of names) {
      const a = actual.tensors[group][name].values
      const b = expected.tensors[group][name].values
      expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength)), `${group} ${name}`).toBe(true)
    }
  }
}

/** Every metric the trainer computes deterministically (timings excluded), as "name@step" -> value. */
export function deterministicMetrics(service: LabService, runId: number): Record<string, number> {
  const out: Record<string, number> = {}
  const json = service.store.exports.runJson(runId)
  for (const [name, columns] of Object.entries(json.metrics)) {
    if (/seconds|imagesPerSecond/i.test(name)) continue
    columns.steps.forEach((step, i) => (out[`${name}@${step}`] = columns.values[i]))
  }
  return out
}

export function waitUntil(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (check()) return resolve()
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`))
      setTimeout(poll, 20)
    }
    poll()
  })
}

/** A fake trainer's `started` message for a fresh run on wasm. */
export const STARTED = {
  type: 'started',
  backend: 'wasm',
  device: 'test device',
  splitHash: '0123456789abcdef',
  resumedFromStep: null,
  trainSeconds: 0,
  rejected: [],
  libraryVersions: { tfjs: '4.22.0', node: process.versions.node },
  os: 'test OS'
} as const
