// What the editor, the CLI and the trainer know about an SSL method without
// loading the engine: its name, how it is shown, its loss, its config keys and
// the views (and so the images) a step of it needs. The trainer's side of a
// method (its losses, metrics and state) lives in src/main/trainer/methods/.
import type { FieldSpec } from '../config.ts'

/** The views a step makes of its images, beside the weakly augmented labeled batch. */
export interface MethodViews {
  /** a weak and a strong (RandAugment) view of mu*B unlabeled images, in the step's one forward */
  readonly unlabeled: boolean
  /** two SimCLR views of the whole batch [labeled, weak, strong], in a second forward */
  readonly simclr: boolean
}

/** A curve of one of the method's own recorded metrics, drawn by Live and History where a run has the method. */
export interface MethodChart {
  /** the recorded metric's name (one of the trainer's metricsOf keys) */
  readonly metric: string
  readonly title: string
  readonly yTitle: string
}

export interface BatchShape {
  batchSize: number
  mu: number
}

export interface MethodDescriptor<Name extends string = string, Keys extends Record<string, FieldSpec> = Record<string, FieldSpec>> {
  /** the variant's name in configs, the store, the CLI and exports; never renamed (stored runs carry it) */
  readonly name: Name
  /** how tables, legends and the editor name it */
  readonly title: string
  /** its fixed #rrggbb colour on every chart and table */
  readonly colour: string
  /** one line: what it does */
  readonly doc: string
  /** its loss, as written in its doc and the editor */
  readonly loss: string
  /** the config keys it reads beyond the common ones; a key shared by several methods is the same spec object */
  readonly keys: Keys
  readonly views: MethodViews
  /** its own curves beside the common ones (loss, top-1, mask rate) */
  readonly charts?: readonly MethodChart[]
}

/** Unlabeled images per step. */
export function unlabeledPerStep(method: MethodDescriptor, shape: BatchShape): number {
  return method.views.unlabeled ? shape.batchSize * shape.mu : 0
}

/** Images in the step's first forward: the labeled batch and, where the method has them, both unlabeled views. */
function firstForward(method: MethodDescriptor, shape: BatchShape): number {
  return shape.batchSize + 2 * unlabeledPerStep(method, shape)
}

/** Images a step trains on: the first forward, plus the SimCLR forward's two views of it. */
export function imagesPerStep(method: MethodDescriptor, shape: BatchShape): number {
  const first = firstForward(method, shape)
  return method.views.simclr ? 3 * first : first
}

/** Images in the largest single forward of a step (the SimCLR forward holds two views of the whole batch). */
export function largestForward(method: MethodDescriptor, shape: BatchShape): number {
  const first = firstForward(method, shape)
  return method.views.simclr ? 2 * first : first
}

/** Types a descriptor's name and keys literally, so CONFIG_SCHEMA and RunConfig see them. */
export function defineMethod<const Name extends string, const Keys extends Record<string, FieldSpec>>(
  descriptor: MethodDescriptor<Name, Keys>
): MethodDescriptor<Name, Keys> {
  return descriptor
}
