// What the service's parts share: the store, the event fan-out, the options,
// and the few actions every part needs (log, announce a change).
import path from 'node:path'
import type { RunStore } from '../store/index.ts'
import type { EventLevel } from '../store/index.ts'
import type { ServiceEvents } from './events.ts'
import type { TrainerLauncher } from './launcher.ts'
import type { SettingsView } from '../../shared/settings.ts'
import type { Executor } from '../../shared/executor.ts'
import { apiRuns, queueView, type LiveStateOf } from './records.ts'
import type { RunDatasets } from './run-datasets.ts'

export interface ServiceSettings {
  homeDir: string
  launcher: TrainerLauncher
  /** interrupted runs go back to the queue at once (overnight work) instead of waiting for a person */
  autoResume: boolean
  /** checkpoint files kept per run (the newest) */
  keepCheckpoints: number
  heartbeatMs: number
  /** no word from a trainer for this long: it is taken for hung, killed, and the run interrupted */
  heartbeatTimeoutMs: number
  /** automatic resumes in a row without a new checkpoint before a run is left for a person */
  maxAutoResumes: number
  appVersion: string
  /** where runs queued without an executor train (`--executor` of worker and serve) */
  executor: Executor
}

export interface ServiceContext {
  readonly store: RunStore
  readonly events: ServiceEvents
  readonly settings: ServiceSettings
  /** what only this service knows of a run: a pause or cancel not yet taken effect, why a queued run waits */
  readonly liveState: LiveStateOf
  log(runId: number | null, level: EventLevel, message: string, kind?: string, data?: unknown): void
  /** emits the runs' new records, then the queue once */
  runChanged(runIds: number | number[]): void
  queueChanged(): void
}

export function checkpointDir(homeDir: string, runId: number): string {
  return path.join(homeDir, 'checkpoints', String(runId))
}

/** The context's shared actions over a store and an event fan-out. */
export function makeContext(store: RunStore, events: ServiceEvents, settings: ServiceSettings, liveState: LiveStateOf = () => ({})): ServiceContext {
  const queueChanged = () => events.emit('queue/changed', { queue: queueView(store, liveState) })
  return {
    store,
    events,
    settings,
    liveState,
    log(runId, level, message, kind = 'log', data) {
      try {
        store.events.log({ runId, level, kind, message, data })
      } catch (error) {
        // the store may be full or closed: the line still reaches listeners and stderr
        console.error(`fixmatch-lab: could not record a log line (${(error as Error).message}): ${message}`)
      }
      if (level !== 'debug') events.emit('log', { runId, level, message, time: new Date().toISOString() })
    },
    runChanged(runIds) {
      for (const run of apiRuns(store, Array.isArray(runIds) ? runIds : [runIds], liveState)) events.emit('run/status', { run })
      queueChanged()
    },
    queueChanged
  }
}

/** What command handlers may ask of the scheduler. */
export interface SchedulerControl {
  /** the live session of a running run, if this service runs it */
  session(runId: number): { pause(): void; stop(): void } | undefined
  /** starts queued runs if there is room (and lifts a hold after a full disk) */
  kick(options?: { clearHold?: boolean }): void
  /** how many runs train at once, and why */
  slots(): SettingsView
  /** saves and applies the slots (null: the default), then starts what now fits */
  setSlots(slots: number | null): SettingsView
}

export interface ServiceCore extends ServiceContext {
  readonly scheduler: SchedulerControl
  /** the one dataset the handlers keep loaded between requests */
  readonly datasets: RunDatasets
}
