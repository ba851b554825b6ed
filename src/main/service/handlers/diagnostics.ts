// 'runs/diagnostics': a run's per-class accuracy and pseudo-label counts over
// its evaluations, and the confusion matrix and sample images at one of them.
// The store holds image indices; the pixels come from the run's dataset.
import type { ParsedHandlers, PixelImage, Response } from '../../../shared/api.ts'
import { perClassAccuracy } from '../../../shared/diagnostics/confusion.ts'
import type { Dataset, ImageSet } from '../../data/types.ts'
import type { DiagnosticsRecord } from '../../store/diagnostics.ts'
import { ServiceError } from '../errors.ts'
import type { ServiceCore } from '../context.ts'
import { pixelImage } from '../run-datasets.ts'

type DiagnosticsHandlers = Pick<ParsedHandlers, 'runs/diagnostics'>
type RunDiagnostics = Response<'runs/diagnostics'>

export function diagnosticsHandlers(core: ServiceCore): DiagnosticsHandlers {
  const { store } = core

  return {
    async 'runs/diagnostics'({ runId, step }) {
      const run = store.runs.require(runId)
      const summary = store.diagnostics.summary(runId)
      const steps = summary.map((s) => s.step)
      if (step != null && !steps.includes(step)) {
        throw new ServiceError(`step: run ${runId} has no evaluation at step ${step} (it has ${steps.length ? steps.join(', ') : 'none yet'})`, 'step')
      }
      const record = store.diagnostics.get(runId, step ?? undefined)
      let dataset: Dataset | undefined
      let unavailable: string | null = null
      try {
        dataset = await core.datasets.of(run.config)
      } catch (error) {
        unavailable = `the run's dataset cannot be read here: ${(error as Error).message}`
      }
      const classes = record?.classes ?? summary[0]?.classes ?? dataset?.classNames.length ?? 0
      const withPseudo = summary.filter((s) => s.pseudoLabels)
      return {
        classNames: dataset && dataset.classNames.length === classes ? dataset.classNames : Array.from({ length: classes }, (_, c) => String(c)),
        steps,
        step: record?.step ?? null,
        confusion: record ? rows(record.confusion, record.classes) : null,
        classAccuracy: { steps, values: summary.map((s) => perClassAccuracy(s.correct, s.images)) },
        pseudoLabels: withPseudo.length
          ? {
              steps: withPseudo.map((s) => s.step),
              passShare: withPseudo.map((s) => perClassAccuracy(s.pseudoLabels!.passed, s.pseudoLabels!.histogram)),
              histogram: withPseudo.map((s) => s.pseudoLabels!.histogram)
            }
          : null,
        samples: record && dataset ? samplesOf(record, dataset) : null,
        unavailable
      }
    }
  }
}

function rows(counts: Uint32Array, classes: number): number[][] {
  return Array.from({ length: classes }, (_, r) => Array.from(counts.subarray(r * classes, (r + 1) * classes)))
}

/** The record's image indices as pixels: test images by test index, unlabeled ones by training-pool index (train set, then extra unlabeled). */
function samplesOf(record: DiagnosticsRecord, dataset: Dataset): NonNullable<RunDiagnostics['samples']> {
  const imageOf = (set: ImageSet, index: number) => imageAt(dataset, set, index)
  const poolImage = (index: number) =>
    index < dataset.train.count ? imageOf(dataset.train, index) : dataset.extraUnlabeled && imageOf(dataset.extraUnlabeled, index - dataset.train.count)
  return {
    unlabeled: record.samples.unlabeled.flatMap(({ index, pseudoLabel, confidence, label }) => {
      const image = poolImage(index)
      if (!image) return []
      return [{ image, pseudoLabel, confidence, label: label >= 0 ? label : null, correct: label >= 0 ? pseudoLabel === label : null }]
    }),
    misclassified: record.samples.misclassified.flatMap(({ index, predicted, label }) => {
      const image = imageOf(dataset.test, index)
      return image ? [{ image, predicted, label }] : []
    })
  }
}

/** One image of a set, or undefined past its end (the data changed since the run). */
function imageAt(dataset: Dataset, set: ImageSet, index: number): PixelImage | undefined {
  if (index < 0 || index >= set.count) return undefined
  const { height, width, channels } = dataset
  const size = height * width * channels
  return pixelImage(set.images.subarray(index * size, (index + 1) * size), [height, width, channels])
}
