// The one contract between the renderer and the lab service, written once as
// zod schemas: every command (request -> response) and every event (pushed by
// the service). The TypeScript types and the command and event lists are
// derived from them; the service parses every request with its schema at its
// edge (service/dispatch.ts), and Electron IPC, the preload, the HTTP/WebSocket
// bridge of `serve` and the renderer's clients iterate the derived lists.
// Plain data only: no Node, no DOM.
import { z } from 'zod'
import { VARIANTS, partialConfigSchema, runConfigSchema } from './config.ts'
import { settingsViewSchema, slotsSchema } from './settings.ts'
import { EXECUTORS } from './executor.ts'
import { slurmJobOptionsSchema } from './slurm.ts'

// ---- building blocks, each with the words an error shows after "field: "

/** A database id: a positive safe integer. */
const id = z.int({ error: 'expected a positive integer id' }).min(1, { error: 'expected a positive integer id' })
const text = (maxLength: number) => z.string({ error: 'expected text' }).max(maxLength, { error: `at most ${maxLength} characters` })
const intAtLeast = (min: number) => z.int({ error: `expected an integer >= ${min}` }).min(min, { error: `expected an integer >= ${min}` })
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `expected one of ${values.join(', ')}` })
const list = <T extends z.ZodType>(item: T, max: number) => z.array(item, { error: 'expected a list' }).max(max, { error: `at most ${max} entries` })
/** A list of one or more entries, none repeated. */
const distinctList = <T extends z.ZodType>(item: T, max: number) =>
  list(item, max)
    .min(1, { error: 'give at least one' })
    .refine((items) => new Set(items).size === items.length, { error: (issue) => `${(issue.input as unknown[]).join(', ')} repeats an entry` })
/** Commands that take no request: whatever a transport sends (nothing, or {} from HTTP) is ignored. */
const noRequest = z.custom<void>(() => true).transform((): void => undefined)
/** Commands without a result. */
const noResult = z.void()

// ---- records

export const RUN_STATUSES = ['queued', 'running', 'paused', 'interrupted', 'finished', 'failed', 'cancelled'] as const
export const runStatusSchema = oneOf(RUN_STATUSES)
export type RunStatus = z.infer<typeof runStatusSchema>

export const metricSummarySchema = z.object({
  /** value at the highest step */
  last: z.number(),
  lastStep: z.number(),
  /** max or min by the metric's rule (store/summary-rule.ts) */
  best: z.number(),
  min: z.number(),
  max: z.number()
})
export type MetricSummary = z.infer<typeof metricSummarySchema>

/** A run's EMA top-1 under each reporting protocol, from its eval/top1 series (shared/results/run-results.ts). */
export const runResultsSchema = z.object({
  /** at the last evaluation */
  final: z.number(),
  /** the highest over all evaluations */
  best: z.number(),
  /** the median of the last 20 evaluations, or of all of them when there are fewer: n says how many */
  medianLast20: z.object({ value: z.number(), n: z.number() })
})
export type RunResults = z.infer<typeof runResultsSchema>

const variant = oneOf(VARIANTS)

export const runRecordSchema = z.object({
  id: z.number(),
  experimentId: z.number().nullable(),
  config: runConfigSchema,
  configHash: z.string(),
  variant,
  seed: z.number(),
  splitHash: z.string().nullable(),
  status: runStatusSchema,
  queuePosition: z.number().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** wall seconds of training, pauses excluded */
  trainSeconds: z.number(),
  step: z.number(),
  totalSteps: z.number(),
  backend: z.string().nullable(),
  device: z.string().nullable(),
  /** the app version, libraries (tfjs, node, electron) and OS the run trained with (older services may leave these out) */
  appVersion: z.string().nullable().optional(),
  libraryVersions: z.record(z.string(), z.string()).optional(),
  os: z.string().nullable().optional(),
  /** the run this one retries, if any */
  retryOf: z.number().nullable().optional(),
  error: z.string().nullable(),
  tags: z.array(z.string()),
  note: z.string().nullable(),
  /** per metric name (e.g. "eval/top1", "loss", "maskRate") */
  summary: z.record(z.string(), metricSummarySchema),
  /** top-1 as final, best and median of the last 20 evaluations; null before the first evaluation (older services leave it out) */
  results: runResultsSchema.nullable().optional(),
  /** a running run's pause or cancel that was asked and has not yet taken effect (the trainer finishes its step first) */
  pending: z.enum(['pause', 'cancel']).nullable().optional(),
  /** why a queued run does not start (e.g. the slurm executor where Slurm's client commands are missing); null when it waits only for its turn */
  waiting: z.string().nullable().optional(),
  /**
   * for a queued, running, paused or interrupted run past step 0: the step it continues from when
   * (re)started, its newest checkpoint whose file is there whole (the trainer also checks its sha256,
   * and falls back to an older one if that fails); null: no checkpoint left, it restarts from step 0
   */
  resumeStep: z.number().nullable().optional(),
  /** where it trains: local slots or a Slurm job (older services leave these out: local) */
  executor: oneOf(EXECUTORS).optional(),
  /** a slurm run's partition, GPUs, time limit, account and extra sbatch lines */
  slurm: slurmJobOptionsSchema.nullable().optional(),
  /** a slurm run's current (or last) job id, once sbatch has given one */
  slurmJobId: z.string().nullable().optional(),
  /** a running slurm run's job as Slurm last said: PENDING, RUNNING, ..., its node(s), and why it waits */
  slurmJob: z.object({ state: z.string(), nodes: z.string(), reason: z.string() }).nullable().optional()
})
export type RunRecord = z.infer<typeof runRecordSchema>

export const experimentRecordSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  createdAt: z.string(),
  preset: z.string().nullable(),
  runIds: z.array(z.number())
})
export type ExperimentRecord = z.infer<typeof experimentRecordSchema>

/** time: milliseconds since the epoch when the point was recorded ('runs/series' gives it; older clients ignore it) */
export const metricPointSchema = z.object({ step: z.number(), value: z.number(), time: z.number().optional() })

/** A small image for the renderer to draw: row-major height x width x channels bytes (1: grey, 3: RGB), base64. */
export const pixelImageSchema = z.object({
  width: z.int().min(1),
  height: z.int().min(1),
  channels: z.union([z.literal(1), z.literal(3)]),
  pixels: z.string()
})
export type PixelImage = z.infer<typeof pixelImageSchema>
export type MetricPoint = z.infer<typeof metricPointSchema>

export const progressSchema = z.object({
  runId: z.number(),
  step: z.number(),
  totalSteps: z.number(),
  imagesPerSecond: z.number(),
  etaSeconds: z.number(),
  latestTop1: z.number().optional()
})
export type Progress = z.infer<typeof progressSchema>

export const datasetAvailabilitySchema = z.object({
  name: z.enum(['mnist', 'cifar10', 'cifar100']),
  installed: z.boolean(),
  /** when not installed: the commands that get it */
  howToGet: z.string().optional()
})
export type DatasetAvailability = z.infer<typeof datasetAvailabilitySchema>

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  home: z.string(),
  backend: z.string().nullable(),
  device: z.string().nullable(),
  /** doctor's advice when the GPU is not used */
  advice: z.array(z.string()),
  /** the datasets a config can name without a path, and whether this home has them (CIFAR must be imported first) */
  datasets: z.array(datasetAvailabilitySchema)
})
export type AppInfo = z.infer<typeof appInfoSchema>

// ---- datasets and the augmentation preview (issue 13)

const uploadId = z
  .string({ error: 'expected an upload id of 8 to 64 letters, digits or dashes' })
  .regex(/^[A-Za-z0-9-]{8,64}$/, { error: 'expected an upload id of 8 to 64 letters, digits or dashes' })
const md5 = z.string({ error: 'expected an MD5 of 32 hex digits' }).regex(/^[0-9a-fA-F]{32}$/, { error: 'expected an MD5 of 32 hex digits' })

export const datasetImagesSchema = z.object({
  dataset: z.string(),
  classes: z.array(z.object({ name: z.string(), trainCount: z.number(), images: z.array(pixelImageSchema) }))
})
export type DatasetImages = z.infer<typeof datasetImagesSchema>

export const classBalanceSchema = z.object({
  dataset: z.string(),
  labelsPerClass: z.number(),
  splitSeed: z.number(),
  splitHash: z.string(),
  labeledCount: z.number(),
  unlabeledCount: z.number(),
  classes: z.array(z.object({ name: z.string(), labeled: z.number(), train: z.number() }))
})
export type ClassBalance = z.infer<typeof classBalanceSchema>

export const datasetImportedSchema = z.object({
  name: z.string(),
  folder: z.string(),
  trainCount: z.number(),
  testCount: z.number(),
  md5: z.string(),
  officialMd5: z.boolean()
})
export type DatasetImported = z.infer<typeof datasetImportedSchema>

export const datasetProgressSchema = z.object({
  /** what is being fetched or imported: a dataset name, or the archive's file name */
  target: z.string(),
  stage: z.enum(['download', 'import', 'decode', 'load']),
  done: z.number(),
  total: z.number().nullable(),
  unit: z.enum(['bytes', 'images'])
})
export type DatasetProgress = z.infer<typeof datasetProgressSchema>

const plannedOpSchema = z.object({ op: z.string(), level: z.number(), applied: z.boolean(), value: z.number() })
const simclrDrawSchema = z.object({
  jitter: z.boolean(),
  /** the order brightness, contrast, saturation, hue were applied in */
  order: z.array(z.enum(['brightness', 'contrast', 'saturation', 'hue'])),
  brightness: z.number(),
  contrast: z.number(),
  saturation: z.number(),
  hue: z.number(),
  grayscale: z.boolean(),
  kernelSize: z.number(),
  sigma: z.number()
})
export type SimclrDrawView = z.infer<typeof simclrDrawSchema>

export const augmentPreviewSchema = z.object({
  dataset: z.string(),
  variant: z.string(),
  seed: z.number(),
  step: z.number(),
  /** the seed of every draw of this step's augmentations (derived from seed and step) */
  stepSeed: z.number(),
  /** false: the method trains on no SimCLR view, those shown are what variant L would make of the same batch */
  simclrUsed: z.boolean(),
  items: z.array(
    z.object({
      datasetIndex: z.number(),
      className: z.string().nullable(),
      original: pixelImageSchema,
      weak: pixelImageSchema,
      weakDraw: z.object({ flip: z.boolean(), cropX: z.number(), cropY: z.number() }),
      strong: pixelImageSchema,
      ops: z.array(plannedOpSchema),
      /** inclusive pixel corners of the grey Cutout box; null when Cutout is off */
      cutout: z.object({ x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() }).nullable(),
      simclr: z.array(pixelImageSchema),
      simclrDraws: z.array(simclrDrawSchema)
    })
  )
})
export type AugmentPreviewView = z.infer<typeof augmentPreviewSchema>

// ---- commands

/** The request field that holds a partial run config: its issues name the config key (ConfigError), as the editor and the CLI do. */
export const CONFIG_FIELD = 'config'

/** Where queued runs train: absent, the service's own executor (`--executor`, default local). */
const placement = {
  executor: oneOf(EXECUTORS).nullish(),
  /** only with executor slurm */
  slurm: slurmJobOptionsSchema.nullish()
}

const command = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) => ({ request, response })
const runRef = z.object({ runId: id })

/** Every command: name -> { request, response }. Names are 'domain/action'. */
export const COMMANDS = {
  'app/info': command(noRequest, appInfoSchema),
  'presets/list': command(
    noRequest,
    z.array(z.object({ name: z.string(), description: z.string(), config: partialConfigSchema, defaultVariants: z.array(variant) }))
  ),
  'runs/list': command(
    z.object({
      /** null: only the runs of no experiment; left out: runs of any */
      experimentId: id.nullish(),
      status: list(runStatusSchema, RUN_STATUSES.length).nullish(),
      search: text(200).nullish(),
      tag: text(64).nullish(),
      limit: intAtLeast(1).nullish()
    }),
    z.array(runRecordSchema)
  ),
  'runs/get': command(runRef, runRecordSchema),
  /** a metric series down-sampled for charts; afterStep returns only newer points */
  'runs/series': command(
    z.object({
      runId: id,
      names: list(
        z
          .string({ error: 'expected a name of 1 to 200 characters' })
          .min(1, { error: 'expected a name of 1 to 200 characters' })
          .max(200, { error: 'expected a name of 1 to 200 characters' }),
        50
      ),
      maxPoints: intAtLeast(2).nullish(),
      afterStep: intAtLeast(-1).nullish()
    }),
    z.record(z.string(), z.array(metricPointSchema))
  ),
  'runs/delete': command(runRef, noResult),
  'runs/tag': command(
    z.object({
      runId: id,
      tags: list(
        text(64).transform((tag) => tag.trim()),
        100
      )
    }),
    noResult
  ),
  'runs/note': command(z.object({ runId: id, note: text(100_000) }), noResult),
  'runs/export': command(z.object({ runId: id, format: oneOf(['csv', 'json']) }), z.object({ fileName: z.string(), content: z.string() })),
  'experiments/list': command(noRequest, z.array(experimentRecordSchema)),
  /** queues variants x seeds of one config on one shared split */
  'experiments/create': command(
    z.object({
      name: text(200),
      description: text(10_000).nullish(),
      preset: text(100).nullish(),
      [CONFIG_FIELD]: partialConfigSchema.nullish(),
      ...placement,
      variants: distinctList(variant, VARIANTS.length),
      seeds: distinctList(
        z
          .int({ error: 'expected an integer seed from 0 to 2^31-1' })
          .min(0, { error: 'expected an integer seed from 0 to 2^31-1' })
          .max(2 ** 31 - 1, { error: 'expected an integer seed from 0 to 2^31-1' }),
        100
      )
    }),
    experimentRecordSchema
  ),
  'experiments/delete': command(z.object({ experimentId: id }), noResult),
  /** the running runs first, then queued, paused and interrupted ones in queue order */
  'queue/list': command(noRequest, z.array(runRecordSchema)),
  'queue/add': command(z.object({ [CONFIG_FIELD]: partialConfigSchema.nullish(), preset: text(100).nullish(), ...placement }), runRecordSchema),
  'queue/move': command(z.object({ runId: id, direction: oneOf(['up', 'down', 'top']) }), noResult),
  'queue/pause': command(runRef, noResult),
  'queue/resume': command(runRef, noResult),
  'queue/cancel': command(runRef, noResult),
  'queue/retry': command(runRef, runRecordSchema),
  /** the home's settings: how many runs train at once (slots) */
  'settings/get': command(noRequest, settingsViewSchema),
  /** saves the slots in <home>/settings.json and applies them at once; null: back to the default */
  'settings/set': command(z.object({ slots: slotsSchema.nullable() }), settingsViewSchema),
  // ---- run diagnostics (per-class accuracy, confusion matrix, pseudo-labels, samples; one record per evaluation)
  /** a run's diagnostics: every evaluation's per-class accuracy and pseudo-label counts, and the matrix and samples at one step (the latest by default) */
  'runs/diagnostics': command(
    z.object({ runId: id, step: intAtLeast(0).nullish() }),
    z.object({
      /** the dataset's class names (numbers where its data cannot be read here) */
      classNames: z.array(z.string()),
      /** the evaluations recorded, ascending */
      steps: z.array(z.number()),
      /** the step the matrix and samples are of; null before the first evaluation */
      step: z.number().nullable(),
      /** classes x classes counts at that step, row = true class, column = predicted; null before the first evaluation */
      confusion: z.array(z.array(z.number())).nullable(),
      /** per step (values[i] at steps[i]) the top-1 of each class, in percent (null: no test image of the class) */
      classAccuracy: z.object({ steps: z.array(z.number()), values: z.array(z.array(z.number().nullable())) }),
      /** per evaluation, over the steps since the one before: per class the pseudo-labels given and the share of them kept by the mask; null for a method without pseudo-labels */
      pseudoLabels: z
        .object({
          steps: z.array(z.number()),
          /** percent of the pseudo-labels of each class that passed the mask (null: none of that class) */
          passShare: z.array(z.array(z.number().nullable())),
          /** how many pseudo-labels each class got */
          histogram: z.array(z.array(z.number()))
        })
        .nullable(),
      /** images at that step: unlabeled ones with the model's pseudo-label, test images it got wrong; null where the dataset cannot be read here (unavailable says why) */
      samples: z
        .object({
          unlabeled: z.array(
            z.object({
              image: pixelImageSchema,
              pseudoLabel: z.number(),
              confidence: z.number(),
              label: z.number().nullable(),
              correct: z.boolean().nullable()
            })
          ),
          misclassified: z.array(z.object({ image: pixelImageSchema, predicted: z.number(), label: z.number() }))
        })
        .nullable(),
      unavailable: z.string().nullable()
    })
  ),
  // ---- datasets and the augmentation preview (issue 13)
  /** a few training images of each class of the config's dataset */
  'datasets/images': command(
    z.object({
      preset: text(100).nullish(),
      [CONFIG_FIELD]: partialConfigSchema.nullish(),
      perClass: intAtLeast(1).max(32, { error: 'at most 32 images per class' })
    }),
    datasetImagesSchema
  ),
  /** the labeled split the config's runs train on (the trainer's split code): labels per class */
  'datasets/balance': command(z.object({ preset: text(100).nullish(), [CONFIG_FIELD]: partialConfigSchema.nullish() }), classBalanceSchema),
  /** imports a CIFAR .tar.gz already on this machine; progress comes as 'datasets/progress' */
  'datasets/import': command(
    z.object({
      path: z.string({ error: 'expected the path of a CIFAR .tar.gz archive' }).min(1, { error: 'expected the path of a CIFAR .tar.gz archive' }),
      md5: md5.nullish()
    }),
    datasetImportedSchema
  ),
  /**
   * a piece of an archive sent from the page (a browser gives no file path): appended to the upload's file at
   * `offset`, which must be what was received so far; then 'datasets/import-upload' imports it
   */
  'datasets/upload': command(
    z.object({
      uploadId: uploadId,
      offset: intAtLeast(0),
      /** base64, at most 512 KiB of bytes (a request body is at most 1 MiB) */
      chunk: z.string({ error: 'expected base64 bytes' }).max(700_000, { error: 'at most 512 KiB of bytes (700,000 base64 characters) per piece' })
    }),
    z.object({ received: z.number() })
  ),
  /** imports an archive sent with 'datasets/upload' and deletes the upload; progress as 'datasets/progress' */
  'datasets/import-upload': command(z.object({ uploadId: uploadId, fileName: text(255).nullish(), md5: md5.nullish() }), datasetImportedSchema),
  /** downloads the official CIFAR archive (or url with its md5), checks it and imports it; progress as 'datasets/progress' */
  'datasets/download': command(z.object({ name: oneOf(['cifar10', 'cifar100']), url: text(2000).nullish(), md5: md5.nullish() }), datasetImportedSchema),
  /** the weak, strong and SimCLR views of the first `count` unlabeled images of step `step`, as the trainer makes them */
  'augment/preview': command(
    z.object({
      preset: text(100).nullish(),
      [CONFIG_FIELD]: partialConfigSchema.nullish(),
      step: intAtLeast(0).nullish(),
      count: intAtLeast(1).max(16, { error: 'at most 16 images' }).nullish()
    }),
    augmentPreviewSchema
  ),
  // ---- run page (issue 13): its events and log lines, checkpoints and bundle
  /** a run's events, oldest first: the latest `limit` (1000 if left out), or with afterId the next ones */
  'runs/events': command(
    z.object({ runId: id, afterId: intAtLeast(0).nullish(), limit: intAtLeast(1).max(5000, { error: 'at most 5000' }).nullish() }),
    z.array(
      z.object({
        id: z.number(),
        /** ISO time */
        time: z.string(),
        level: z.enum(['debug', 'info', 'warn', 'error']),
        /** 'status', 'checkpoint', 'trainer' (the trainer's log lines), 'trainer-output', 'slurm', ... */
        kind: z.string(),
        message: z.string(),
        data: z.unknown().optional()
      })
    )
  ),
  /** the checkpoints kept for a run, newest first; present: whether its file is on disk at the recorded size */
  'runs/checkpoints': command(
    runRef,
    z.array(z.object({ step: z.number(), bytes: z.number(), sha256: z.string(), createdAt: z.string(), present: z.boolean() }))
  ),
  /** the run as a portable bundle (`export --format bundle`), base64, for a download */
  'runs/bundle': command(runRef, z.object({ fileName: z.string(), base64: z.string(), bytes: z.number(), checkpointStep: z.number().nullable() }))
}

// ---- events

/** Every event the service pushes: name -> payload. */
export const EVENTS = {
  'run/status': z.object({ run: runRecordSchema }),
  /** new metric points as they are recorded (no need to re-fetch histories) */
  /** time: when the values were recorded (ms since the epoch), as 'runs/series' gives it */
  'run/metrics': z.object({ runId: z.number(), step: z.number(), values: z.record(z.string(), z.number()), time: z.number().optional() }),
  'run/progress': progressSchema,
  /** the same list as 'queue/list' */
  'queue/changed': z.object({ queue: z.array(runRecordSchema) }),
  log: z.object({ runId: z.number().nullable(), level: z.enum(['info', 'warn', 'error']), message: z.string(), time: z.string() }),
  // ---- run diagnostics
  /** a run's diagnostics at a new evaluation were recorded (fetch them with 'runs/diagnostics') */
  'run/diagnostics': z.object({ runId: z.number(), step: z.number() }),
  // ---- datasets (issue 13)
  /** an import or download under way: the stage and how far it is (total null when unknown) */
  'datasets/progress': datasetProgressSchema
}

export type CommandName = keyof typeof COMMANDS
export type EventName = keyof typeof EVENTS
/** What a caller sends (before parsing). */
export type Request<C extends CommandName> = z.input<(typeof COMMANDS)[C]['request']>
/** What a handler receives: the request parsed by its schema (defaults filled in, tags trimmed). */
export type ParsedRequest<C extends CommandName> = z.output<(typeof COMMANDS)[C]['request']>
export type Response<C extends CommandName> = z.infer<(typeof COMMANDS)[C]['response']>
/** Every command as [request, response], for code that names one command's types. */
export type Commands = { [C in CommandName]: [Request<C>, Response<C>] }
export type Events = { [E in EventName]: z.infer<(typeof EVENTS)[E]> }

/** Derived from the schema: a command added to COMMANDS reaches every binding that iterates this. */
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[]
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[]

/** An error the service reports to a client: a message a person can act on, and the field at fault if any. */
export interface ApiError {
  message: string
  field?: string
}

/** The handlers a service offers: one async function per command, taking what a caller sends. */
export type Handlers = { [C in CommandName]: (request: Request<C>) => Promise<Response<C>> }

/** The service's own handlers, behind the edge: each receives its request parsed. */
export type ParsedHandlers = { [C in CommandName]: (request: ParsedRequest<C>) => Promise<Response<C>> }

/** What any client (Electron preload, HTTP/WS) exposes to the renderer. */
export interface LabClient {
  call<C extends CommandName>(command: C, request: Request<C>): Promise<Response<C>>
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
}
