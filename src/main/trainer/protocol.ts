// The messages between the lab service and a trainer process, both ways, as
// zod schemas (discriminated on `type`); the types are inferred from them. The
// trainer never touches SQLite: it reports, the service records. Both sides
// parse what they receive, since a message crosses a process boundary.
import { z } from 'zod'
import { CONFIG_SCHEMA, runConfigSchema } from '../../shared/config.ts'
import type { WebGpuAdapter } from './webgpu.ts'

// Steps are bounded as the config check bounds a run's steps, so that every run it lets through reports in range.
const { min: MIN_TOTAL_STEPS, max: MAX_STEP } = CONFIG_SCHEMA.steps
/** A count or size: a non-negative safe integer. */
const count = z.int().min(0)
const step = count.max(MAX_STEP)
const totalSteps = step.min(MIN_TOTAL_STEPS)
/** finite: NaN and Infinity are refused */
const number = z.number()
const sha256 = z.string().regex(/^[0-9a-f]{64}$/)

/** A checkpoint the trainer may resume from, as the store recorded it. */
const checkpointCandidate = z.object({ path: z.string(), step, bytes: count, sha256: z.string() })
export type CheckpointCandidate = z.infer<typeof checkpointCandidate>

const startMessage = z.object({
  type: z.literal('start'),
  runId: count,
  config: runConfigSchema,
  homeDir: z.string(),
  /** where this run's checkpoint files go: <home>/checkpoints/<runId>/ */
  checkpointDir: z.string(),
  /** newest first; the trainer takes the first that checks out */
  resumeCandidates: z.array(checkpointCandidate),
  heartbeatMs: count.min(1)
})
export type StartMessage = z.infer<typeof startMessage>

const toTrainer = z.discriminatedUnion('type', [startMessage, z.object({ type: z.literal('pause') }), z.object({ type: z.literal('stop') })])
export type ToTrainer = z.infer<typeof toTrainer>

const rejectedCheckpoint = z.object({ path: z.string(), step, reason: z.string() })
export type RejectedCheckpoint = z.infer<typeof rejectedCheckpoint>

const webGpuAdapter = z.object({
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  description: z.string(),
  driver: z.string().optional(),
  software: z.boolean(),
  found: z.array(z.enum(['high-performance', 'low-power', 'fallback'])),
  /** the limits that decide what fits (WebGpuLimits), each a number where reported */
  limits: z
    .object({
      maxBufferSize: number,
      maxStorageBufferBindingSize: number,
      maxStorageBuffersPerShaderStage: number,
      maxComputeWorkgroupStorageSize: number,
      maxComputeInvocationsPerWorkgroup: number,
      maxComputeWorkgroupsPerDimension: number
    })
    .partial()
}) satisfies z.ZodType<Omit<WebGpuAdapter, 'limits'>>

/** NaN and Infinity arrive as null through JSON: the service skips them, like the store does */
const reading = z.number().nullable()
const stopped = { step: step.optional(), trainSeconds: number.optional() }

/** The diagnostics of one evaluation (trainer/diagnostics.ts); the matrix row-major, row = true class. */
const diagnosticsMessage = z
  .object({
    type: z.literal('diagnostics'),
    step,
    classes: count.min(1),
    confusion: z.array(count),
    /** null for a method without pseudo-labels */
    pseudoLabels: z.object({ steps: count, histogram: z.array(count), passed: z.array(count) }).nullable(),
    misclassified: z.array(z.object({ index: count, predicted: count, label: count })),
    unlabeled: z.array(z.object({ index: count, pseudoLabel: count, confidence: z.number().min(0), label: z.int().min(-1) }))
  })
  .superRefine((m, ctx) => {
    const cells = m.classes * m.classes
    if (m.confusion.length !== cells) ctx.addIssue({ code: 'custom', path: ['confusion'], message: `expected ${cells} counts` })
    for (const key of ['histogram', 'passed'] as const)
      if (m.pseudoLabels && m.pseudoLabels[key].length !== m.classes)
        ctx.addIssue({ code: 'custom', path: ['pseudoLabels', key], message: `expected ${m.classes} counts` })
  })

const fromTrainer = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('started'),
    backend: z.string(),
    device: z.string(),
    /** webgpu: the adapter (vendor, architecture, device, description, driver, limits); device names it too */
    adapter: webGpuAdapter.optional(),
    splitHash: z.string(),
    /** the checkpoint step it continues from, or null for a start at step 0 */
    resumedFromStep: step.nullable(),
    trainSeconds: number,
    rejected: z.array(rejectedCheckpoint),
    libraryVersions: z.record(z.string(), z.string()),
    os: z.string()
  }),
  z.object({ type: z.literal('metrics'), step, values: z.record(z.string(), reading) }),
  z.object({ type: z.literal('eval'), step, top1: reading, top5: reading, loss: reading, count: reading }),
  diagnosticsMessage,
  z.object({ type: z.literal('progress'), step, totalSteps, imagesPerSecond: number, etaSeconds: number, latestTop1: number.optional() }),
  z.object({ type: z.literal('checkpoint'), step, path: z.string(), bytes: count, sha256, trainSeconds: number, splitHash: z.string() }),
  /** quietMs: the trainer expects to be silent for up to this long (an evaluation is next), beyond the usual timeout */
  z.object({ type: z.literal('heartbeat'), step, trainSeconds: number, quietMs: number.min(0).optional() }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  /** step and trainSeconds are left out when it stopped before training began (nothing new to record) */
  z.object({ type: z.literal('paused'), ...stopped }),
  z.object({ type: z.literal('stopped'), ...stopped }),
  z.object({ type: z.literal('finished'), step, trainSeconds: number, splitHash: z.string() }),
  /**
   * diskFull: a checkpoint could not be written for lack of space (the run can resume once space is freed);
   * resumable: nothing is wrong with the run, it could not train now (another trainer holds it): pause it with the reason
   */
  z.object({ type: z.literal('failed'), message: z.string(), diskFull: z.boolean(), resumable: z.boolean().optional() })
])
export type FromTrainer = z.infer<typeof fromTrainer>

export class ProtocolError extends Error {}

/** A parser that throws ProtocolError naming the message type and every bad or missing field. */
function parser<T>(schema: z.ZodType<T>, sender: 'trainer' | 'service'): (value: unknown) => T {
  return (value) => {
    const result = schema.safeParse(value)
    if (result.success) return result.data
    const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined
    if (typeof type !== 'string') throw new ProtocolError(`${sender} message without a type`)
    const issues = result.error.issues
    if (issues.some((issue) => issue.code === 'invalid_union' && issue.path.join('.') === 'type'))
      throw new ProtocolError(`unknown ${sender} message type "${type}"`)
    const fields = [...new Set(issues.map((issue) => issue.path.join('.')))]
    throw new ProtocolError(`${sender} message "${type}": bad or missing ${fields.join(' or ')}`)
  }
}

/** Checks a message from a trainer; throws ProtocolError naming what is wrong. */
export const parseFromTrainer = parser(fromTrainer, 'trainer')

/** Checks a message from the service; throws ProtocolError naming what is wrong. */
export const parseToTrainer = parser(toTrainer, 'service')
