// What a run export (export.ts) must hold to be imported, as a zod schema: the
// file is outside input, so every field is checked and a bad one is named by
// its path ("run.step", "events.3.level"). The config's keys are checked by
// resolveConfig (the schema generated from CONFIG_SCHEMA), which also fills in
// the defaults of keys an older export lacks.
import { z } from 'zod'
import { RUN_STATUSES } from '../../shared/api.ts'
import { issueField, issueText } from '../../shared/schema-issues.ts'
import { StoreInputError } from './errors.ts'
import { EVENT_LEVELS } from './events.ts'
import { RUN_EXPORT_FORMAT } from './export.ts'

/** A step, a count or a time in milliseconds since the epoch: an integer >= 0. */
const count = z.int({ error: 'expected an integer >= 0' }).min(0, { error: 'expected an integer >= 0' })
/** A duration: a finite number of seconds, not negative. */
const seconds = z.number({ error: 'expected a number of seconds >= 0' }).min(0, { error: 'expected a number of seconds >= 0' })
const text = z.string({ error: 'expected a string' })
const object = z.record(z.string(), z.unknown(), { error: 'expected an object' })
const numbers = z.array(z.number(), { error: 'expected an array of numbers' })

const exportedRun = z.object(
  {
    config: object,
    status: z.enum(RUN_STATUSES, { error: `unknown run status (expected one of ${RUN_STATUSES.join(', ')})` }),
    totalSteps: count,
    step: count,
    splitHash: text.nullish(),
    createdAt: count,
    startedAt: count.nullish(),
    finishedAt: count.nullish(),
    trainSeconds: seconds,
    backend: text.nullish(),
    device: text.nullish(),
    appVersion: text.nullish(),
    libraryVersions: z.record(z.string(), text, { error: 'expected an object of names and versions' }).nullish(),
    os: text.nullish(),
    error: text.nullish(),
    lastHeartbeatAt: count.nullish()
  },
  { error: 'expected an object' }
)

const diagnosticsRecord = z.object(
  {
    step: count,
    classes: count.min(1, { error: 'expected an integer >= 1' }),
    confusion: z.array(count, { error: 'expected an array of counts' }),
    pseudoLabels: z
      .object({
        steps: count,
        histogram: z.array(count, { error: 'expected an array of counts' }),
        passed: z.array(count, { error: 'expected an array of counts' })
      })
      .nullable(),
    samples: z.object({
      misclassified: z.array(z.object({ index: count, predicted: count, label: count })),
      unlabeled: z.array(z.object({ index: count, pseudoLabel: count, confidence: z.number(), label: z.int().min(-1) }))
    }),
    wallTime: count
  },
  { error: 'expected an object' }
)

const runExportSchema = z.object(
  {
    format: z.literal(RUN_EXPORT_FORMAT, { error: `expected "${RUN_EXPORT_FORMAT}" (a run exported by FixMatch Lab)` }),
    run: exportedRun,
    experiment: z
      .object({ name: text, description: text.optional(), preset: text.nullish(), baseConfig: object.nullish() }, { error: 'expected an object' })
      .nullish(),
    tags: z.array(text, { error: 'expected an array of strings' }).default([]),
    note: text.nullish(),
    /** per metric: equal-length columns (checked against each other and the run's length by the importer) */
    metrics: z.record(z.string(), z.object({ steps: numbers, values: numbers, wallTimes: numbers }, { error: 'expected an object' })).default({}),
    events: z
      .array(
        z.object(
          { time: count, level: z.enum(EVENT_LEVELS, { error: `expected one of ${EVENT_LEVELS.join(', ')}` }), kind: text, message: text, data: z.unknown() },
          { error: 'expected an object' }
        ),
        { error: 'expected an array' }
      )
      .default([]),
    /** per evaluation (exports before diagnostics have none); the sizes are checked by the store */
    diagnostics: z.array(diagnosticsRecord, { error: 'expected an array' }).default([])
  },
  { error: 'expected an object' }
)

export type RunExportInput = z.output<typeof runExportSchema>

/** The export parsed by its schema; throws a StoreInputError naming the first bad field ("export" for the whole). */
export function parseExport(data: unknown): RunExportInput {
  const result = runExportSchema.safeParse(data, { reportInput: true })
  if (result.success) return result.data
  const issue = result.error.issues[0]
  throw new StoreInputError(issueField(issue, 'export'), issueText(issue))
}
