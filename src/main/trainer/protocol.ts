// The messages between the lab service and a trainer process. The trainer
// never touches SQLite: it reports, the service records. Both sides check what
// they receive, since a message crosses a process boundary.
import type { RunConfig } from '../../shared/config.ts'
import type { WebGpuAdapter } from './webgpu.ts'

/** A checkpoint the trainer may resume from, as the store recorded it. */
export interface CheckpointCandidate {
  path: string
  step: number
  bytes: number
  sha256: string
}

export interface StartMessage {
  type: 'start'
  runId: number
  config: RunConfig
  homeDir: string
  /** where this run's checkpoint files go: <home>/checkpoints/<runId>/ */
  checkpointDir: string
  /** newest first; the trainer takes the first that checks out */
  resumeCandidates: CheckpointCandidate[]
  heartbeatMs: number
}

export type ToTrainer = StartMessage | { type: 'pause' } | { type: 'stop' }

export interface RejectedCheckpoint {
  path: string
  step: number
  reason: string
}

export type FromTrainer =
  | {
      type: 'started'
      backend: string
      device: string
      /** webgpu: the adapter (vendor, architecture, device, description, driver, limits); device names it too */
      adapter?: WebGpuAdapter
      splitHash: string
      /** the checkpoint step it continues from, or null for a start at step 0 */
      resumedFromStep: number | null
      trainSeconds: number
      rejected: RejectedCheckpoint[]
      libraryVersions: Record<string, string>
      os: string
    }
  | { type: 'metrics'; step: number; values: Record<string, number> }
  | { type: 'eval'; step: number; top1: number; top5: number; loss: number; count: number }
  | { type: 'progress'; step: number; totalSteps: number; imagesPerSecond: number; etaSeconds: number; latestTop1?: number }
  | { type: 'checkpoint'; step: number; path: string; bytes: number; sha256: string; trainSeconds: number; splitHash: string }
  /** quietMs: the trainer expects to be silent for up to this long (an evaluation is next), beyond the usual timeout */
  | { type: 'heartbeat'; step: number; trainSeconds: number; quietMs?: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  /** step and trainSeconds are left out when it stopped before training began (nothing new to record) */
  | { type: 'paused'; step?: number; trainSeconds?: number }
  | { type: 'stopped'; step?: number; trainSeconds?: number }
  | { type: 'finished'; step: number; trainSeconds: number; splitHash: string }
  /** diskFull: a checkpoint could not be written for lack of space (the run can resume once space is freed) */
  | { type: 'failed'; message: string; diskFull: boolean }

export type FromTrainerType = FromTrainer['type']

/** Messages after which the trainer exits. */
export const TERMINAL_TYPES: readonly FromTrainerType[] = ['paused', 'stopped', 'finished', 'failed']

export class ProtocolError extends Error {}

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
const isStep = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0
const isText = (value: unknown): value is string => typeof value === 'string'

function need(ok: boolean, type: string, field: string): void {
  if (!ok) throw new ProtocolError(`trainer message "${type}": bad or missing ${field}`)
}

function isAdapter(value: unknown): boolean {
  if (!isObject(value) || !isObject(value.limits) || typeof value.software !== 'boolean') return false
  const texts = [value.vendor, value.architecture, value.device, value.description]
  return texts.every(isText) && (value.driver === undefined || isText(value.driver)) && Object.values(value.limits).every(isNumber)
}

function numberRecord(value: unknown): value is Record<string, number> {
  // NaN and Infinity arrive as null through JSON: the service skips them, like the store does
  return isObject(value) && Object.values(value).every((v) => v === null || typeof v === 'number')
}

/** Checks a message from a trainer; throws ProtocolError naming what is wrong. */
export function parseFromTrainer(value: unknown): FromTrainer {
  if (!isObject(value) || !isText(value.type)) throw new ProtocolError('trainer message without a type')
  const m = value
  const t = m.type as string
  switch (t) {
    case 'started':
      need(isText(m.backend) && isText(m.device) && isText(m.splitHash) && isText(m.os), t, 'backend, device, splitHash or os')
      need(m.resumedFromStep === null || isStep(m.resumedFromStep), t, 'resumedFromStep')
      need(isNumber(m.trainSeconds), t, 'trainSeconds')
      need(m.adapter === undefined || isAdapter(m.adapter), t, 'adapter')
      need(Array.isArray(m.rejected) && m.rejected.every((r) => isObject(r) && isText(r.path) && isStep(r.step) && isText(r.reason)), t, 'rejected')
      need(isObject(m.libraryVersions) && Object.values(m.libraryVersions).every(isText), t, 'libraryVersions')
      break
    case 'metrics':
      need(isStep(m.step) && numberRecord(m.values), t, 'step or values')
      break
    case 'eval':
      need(isStep(m.step) && [m.top1, m.top5, m.loss, m.count].every((v) => v === null || typeof v === 'number'), t, 'step or results')
      break
    case 'progress':
      need(isStep(m.step) && isStep(m.totalSteps), t, 'step or totalSteps')
      break
    case 'checkpoint':
      need(isStep(m.step) && isText(m.path) && isStep(m.bytes) && isText(m.sha256) && /^[0-9a-f]{64}$/.test(m.sha256), t, 'step, path, bytes or sha256')
      need(isNumber(m.trainSeconds) && isText(m.splitHash), t, 'trainSeconds or splitHash')
      break
    case 'heartbeat':
      need(isStep(m.step) && isNumber(m.trainSeconds), t, 'step or trainSeconds')
      need(m.quietMs === undefined || (isNumber(m.quietMs) && m.quietMs >= 0), t, 'quietMs')
      break
    case 'paused':
    case 'stopped':
      need((m.step === undefined || isStep(m.step)) && (m.trainSeconds === undefined || isNumber(m.trainSeconds)), t, 'step or trainSeconds')
      break
    case 'finished':
      need(isStep(m.step) && isNumber(m.trainSeconds) && isText(m.splitHash), t, 'step, trainSeconds or splitHash')
      break
    case 'log':
      need(['info', 'warn', 'error'].includes(m.level as string) && isText(m.message), t, 'level or message')
      break
    case 'failed':
      need(isText(m.message) && typeof m.diskFull === 'boolean', t, 'message or diskFull')
      break
    default:
      throw new ProtocolError(`unknown trainer message type "${t}"`)
  }
  return m as unknown as FromTrainer
}

/** Checks a message from the service; throws ProtocolError naming what is wrong. */
export function parseToTrainer(value: unknown): ToTrainer {
  if (!isObject(value) || !isText(value.type)) throw new ProtocolError('service message without a type')
  if (value.type === 'pause' || value.type === 'stop') return { type: value.type }
  if (value.type !== 'start') throw new ProtocolError(`unknown service message type "${value.type}"`)
  const m = value
  need(isStep(m.runId) && isObject(m.config) && isText(m.homeDir) && isText(m.checkpointDir), 'start', 'runId, config, homeDir or checkpointDir')
  need(isStep(m.heartbeatMs) && (m.heartbeatMs as number) > 0, 'start', 'heartbeatMs')
  need(
    Array.isArray(m.resumeCandidates) &&
      m.resumeCandidates.every((c) => isObject(c) && isText(c.path) && isStep(c.step) && isStep(c.bytes) && isText(c.sha256)),
    'start',
    'resumeCandidates'
  )
  return m as unknown as StartMessage
}
