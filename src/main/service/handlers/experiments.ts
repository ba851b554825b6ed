// 'experiments/*': an experiment is variants x seeds of one config, all on
// one labeled split (one splitSeed), queued together.
import type { Handlers } from '../../../shared/api.ts'
import { VARIANTS, type Variant } from '../../../shared/config.ts'
import { isMethodName } from '../../../shared/methods/index.ts'
import { ServiceError } from '../errors.ts'
import type { ServiceCore } from '../context.ts'
import { toApiExperiment } from '../records.ts'
import { id, list, optionalText, partialConfig, requestObject, show, text } from '../validate.ts'
import { configFrom } from './queue.ts'
import { refuseRunning, removeRunFiles } from './runs.ts'

type ExperimentHandlers = Pick<Handlers, 'experiments/list' | 'experiments/create' | 'experiments/delete'>

const variant = (value: unknown, where: string): Variant => {
  if (!isMethodName(value)) throw new ServiceError(`${where}: expected one of ${VARIANTS.join(', ')}, got ${show(value)}`, 'variants')
  return value
}
const seed = (value: unknown, where: string): number => {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 2 ** 31 - 1) {
    throw new ServiceError(`${where}: expected an integer seed from 0 to 2^31-1, got ${show(value)}`, 'seeds')
  }
  return value as number
}

function distinct<T>(items: T[], field: string): T[] {
  if (items.length === 0) throw new ServiceError(`${field}: give at least one`, field)
  if (new Set(items).size !== items.length) throw new ServiceError(`${field}: ${items.join(', ')} repeats an entry`, field)
  return items
}

export function experimentHandlers(core: ServiceCore): ExperimentHandlers {
  const { store } = core

  return {
    async 'experiments/list'() {
      return store.experiments.list().map(toApiExperiment)
    },

    async 'experiments/create'(raw) {
      const request = requestObject(raw, 'experiments/create')
      const name = text(request, 'name', 200)
      const description = optionalText(request, 'description', 10_000) ?? ''
      const preset = optionalText(request, 'preset', 100)
      const baseConfig = partialConfig(request, 'config')
      const variants = distinct(list(request, 'variants', variant, { max: VARIANTS.length })!, 'variants')
      const seeds = distinct(list(request, 'seeds', seed, { max: 100 })!, 'seeds')
      // checked once up front: one bad key fails the whole experiment before anything is queued
      const base = configFrom(preset, baseConfig)
      const experiment = store.transaction(() => {
        const created = store.experiments.create({ name, description, preset: preset ?? null, baseConfig })
        // seed by seed, so the first results morning-after already cover every variant
        for (const s of seeds) for (const v of variants) store.queue.enqueue({ config: { ...base, variant: v, seed: s }, experimentId: created.id })
        return created
      })
      const item = store.experiments.list().find((e) => e.id === experiment.id)!
      core.log(null, 'info', `experiment "${name}": ${variants.length} variants x ${seeds.length} seeds queued on split seed ${base.splitSeed}`, 'experiment')
      core.runChanged(item.runIds)
      core.scheduler.kick({ clearHold: true })
      return toApiExperiment(item)
    },

    // the experiment with its runs, their metrics and checkpoints, as the dialog says;
    // refused (nothing deleted) while one of its runs trains
    async 'experiments/delete'(raw) {
      const experimentId = id(requestObject(raw, 'experiments/delete'), 'experimentId')
      const experiment = store.experiments.list().find((e) => e.id === experimentId)
      if (!experiment) throw new ServiceError(`experiment ${experimentId} does not exist`, 'experimentId', 'not-found')
      for (const runId of experiment.runIds) refuseRunning(core, runId, `the experiment "${experiment.name}"`, 'experimentId')
      const deleted = store.transaction(() => {
        const runs = experiment.runIds.map((runId) => ({ runId, ...store.runs.delete(runId) }))
        store.experiments.delete(experimentId)
        return runs
      })
      for (const { runId, checkpointPaths } of deleted) removeRunFiles(core, runId, checkpointPaths)
      core.log(null, 'info', `experiment "${experiment.name}" deleted with its ${deleted.length} runs, their metrics and checkpoints`, 'experiment-deleted')
      core.queueChanged()
    }
  }
}
