// 'experiments/*': an experiment is variants x seeds of one config, all on
// one labeled split (one splitSeed), queued together.
import type { ParsedHandlers } from '../../../shared/api.ts'
import { ServiceError } from '../errors.ts'
import type { ServiceCore } from '../context.ts'
import { toApiExperiment } from '../records.ts'
import { configFrom, placementFrom } from './queue.ts'
import { refuseRunning, removeRunFiles } from './runs.ts'

type ExperimentHandlers = Pick<ParsedHandlers, 'experiments/list' | 'experiments/create' | 'experiments/delete'>

export function experimentHandlers(core: ServiceCore): ExperimentHandlers {
  const { store } = core

  return {
    async 'experiments/list'() {
      return store.experiments.list().map(toApiExperiment)
    },

    async 'experiments/create'(request) {
      const { name, description, preset, config, variants, seeds } = request
      const baseConfig = config ?? {}
      // checked once up front: one bad key fails the whole experiment before anything is queued
      const base = configFrom(preset, baseConfig)
      const placement = placementFrom(core, request)
      const experiment = store.transaction(() => {
        const created = store.experiments.create({ name, description: description ?? '', preset: preset ?? null, baseConfig })
        // seed by seed, so the first results morning-after already cover every variant
        for (const s of seeds)
          for (const v of variants) store.queue.enqueue({ config: { ...base, variant: v, seed: s }, experimentId: created.id, ...placement })
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
    async 'experiments/delete'({ experimentId }) {
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
