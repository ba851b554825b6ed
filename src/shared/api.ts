// The one contract between the renderer and the lab service: every command
// (request -> response) and every event (pushed by the service). Electron IPC
// (preload), the HTTP/WebSocket bridge of `serve` and the renderer's client
// are all derived from these two maps. Plain types only: no Node, no DOM.
import type { RunConfig, Variant } from './config.ts'

export type RunStatus = 'queued' | 'running' | 'paused' | 'interrupted' | 'finished' | 'failed' | 'cancelled'

export interface MetricSummary {
  last: number
  lastStep: number
  best: number
  min: number
  max: number
}

export interface RunRecord {
  id: number
  experimentId: number | null
  config: RunConfig
  configHash: string
  variant: Variant
  seed: number
  splitHash: string | null
  status: RunStatus
  queuePosition: number | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  /** wall seconds of training, pauses excluded */
  trainSeconds: number
  step: number
  totalSteps: number
  backend: string | null
  device: string | null
  /** the app version, libraries (tfjs, node, electron) and OS the run trained with (older services may leave these out) */
  appVersion?: string | null
  libraryVersions?: Record<string, string>
  os?: string | null
  /** the run this one retries, if any */
  retryOf?: number | null
  error: string | null
  tags: string[]
  note: string | null
  /** per metric name (e.g. "eval/top1", "loss", "maskRate") */
  summary: Record<string, MetricSummary>
  /** a running run's pause or cancel that was asked and has not yet taken effect (the trainer finishes its step first) */
  pending?: 'pause' | 'cancel' | null
  /**
   * for a queued, running, paused or interrupted run past step 0: the step it continues from when
   * (re)started, its newest checkpoint whose file is there whole (the trainer also checks its sha256,
   * and falls back to an older one if that fails); null: no checkpoint left, it restarts from step 0
   */
  resumeStep?: number | null
}

export interface ExperimentRecord {
  id: number
  name: string
  description: string
  createdAt: string
  preset: string | null
  runIds: number[]
}

export interface MetricPoint {
  step: number
  value: number
}

export interface Progress {
  runId: number
  step: number
  totalSteps: number
  imagesPerSecond: number
  etaSeconds: number
  latestTop1?: number
}

export interface AppInfo {
  name: string
  version: string
  home: string
  backend: string | null
  device: string | null
  /** doctor's advice when the GPU is not used */
  advice: string[]
  /** the datasets a config can name without a path, and whether this home has them (CIFAR must be imported first) */
  datasets: DatasetAvailability[]
}

export interface DatasetAvailability {
  name: 'mnist' | 'cifar10' | 'cifar100'
  installed: boolean
  /** when not installed: the commands that get it */
  howToGet?: string
}

/** Every command: name -> [request, response]. Names are 'domain/action'. */
export interface Commands {
  'app/info': [void, AppInfo]
  'presets/list': [void, { name: string; description: string; config: Partial<RunConfig>; defaultVariants: Variant[] }[]]
  'runs/list': [{ experimentId?: number; status?: RunStatus[]; search?: string; tag?: string; limit?: number }, RunRecord[]]
  'runs/get': [{ runId: number }, RunRecord]
  /** a metric series down-sampled for charts; afterStep returns only newer points */
  'runs/series': [{ runId: number; names: string[]; maxPoints?: number; afterStep?: number }, Record<string, MetricPoint[]>]
  'runs/delete': [{ runId: number }, void]
  'runs/tag': [{ runId: number; tags: string[] }, void]
  'runs/note': [{ runId: number; note: string }, void]
  'runs/export': [{ runId: number; format: 'csv' | 'json' }, { fileName: string; content: string }]
  'experiments/list': [void, ExperimentRecord[]]
  /** queues variants x seeds of one config on one shared split */
  'experiments/create': [{ name: string; description?: string; preset?: string; config: Partial<RunConfig>; variants: Variant[]; seeds: number[] }, ExperimentRecord]
  'experiments/delete': [{ experimentId: number }, void]
  /** the running runs first, then queued, paused and interrupted ones in queue order */
  'queue/list': [void, RunRecord[]]
  'queue/add': [{ config: Partial<RunConfig>; preset?: string }, RunRecord]
  'queue/move': [{ runId: number; direction: 'up' | 'down' | 'top' }, void]
  'queue/pause': [{ runId: number }, void]
  'queue/resume': [{ runId: number }, void]
  'queue/cancel': [{ runId: number }, void]
  'queue/retry': [{ runId: number }, RunRecord]
}

/** Every event the service pushes: name -> payload. */
export interface Events {
  'run/status': { run: RunRecord }
  /** new metric points as they are recorded (no need to re-fetch histories) */
  'run/metrics': { runId: number; step: number; values: Record<string, number> }
  'run/progress': Progress
  /** the same list as 'queue/list' */
  'queue/changed': { queue: RunRecord[] }
  'log': { runId: number | null; level: 'info' | 'warn' | 'error'; message: string; time: string }
}

export type CommandName = keyof Commands
export type EventName = keyof Events
export type Request<C extends CommandName> = Commands[C][0]
export type Response<C extends CommandName> = Commands[C][1]

export const COMMAND_NAMES = [
  'app/info',
  'presets/list',
  'runs/list',
  'runs/get',
  'runs/series',
  'runs/delete',
  'runs/tag',
  'runs/note',
  'runs/export',
  'experiments/list',
  'experiments/create',
  'experiments/delete',
  'queue/list',
  'queue/add',
  'queue/move',
  'queue/pause',
  'queue/resume',
  'queue/cancel',
  'queue/retry'
] as const satisfies readonly CommandName[]

export const EVENT_NAMES = ['run/status', 'run/metrics', 'run/progress', 'queue/changed', 'log'] as const satisfies readonly EventName[]

/** An error the service reports to a client: a message a person can act on, and the field at fault if any. */
export interface ApiError {
  message: string
  field?: string
}

/** The handlers a service offers: one async function per command. */
export type Handlers = { [C in CommandName]: (request: Request<C>) => Promise<Response<C>> }

/** What the Electron preload puts on window.fixmatchLab: one method per command, named as the command, and `on` for the contract's events. */
export type LabBridge = { [C in CommandName]: (request: Request<C>) => Promise<Response<C>> } & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
}

/** What any client (Electron preload, HTTP/WS) exposes to the renderer. */
export interface LabClient {
  call<C extends CommandName>(command: C, request: Request<C>): Promise<Response<C>>
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
}
