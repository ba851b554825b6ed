// 'queue/*': what to train next, and a run's pause, resume and cancel.
import type { ParsedHandlers } from '../../../shared/api.ts'
import { getPreset } from '../../../shared/presets.ts'
import { resolveConfig } from '../../../shared/config.ts'
import { ServiceError } from '../errors.ts'
import { apiRuns, queueView, resumeStepOf, resumeWords } from '../records.ts'
import type { ServiceCore } from '../context.ts'
import type { Executor } from '../../../shared/executor.ts'
import type { SlurmJobOptions } from '../../../shared/slurm.ts'

type QueueHandlers = Pick<ParsedHandlers, 'queue/list' | 'queue/add' | 'queue/move' | 'queue/pause' | 'queue/resume' | 'queue/cancel' | 'queue/retry'>

/** A preset's config under the request's keys, every field checked. */
export function configFrom(presetName: string | null | undefined, config: Record<string, unknown> | null | undefined) {
  let base = {}
  if (presetName !== undefined && presetName !== null) {
    try {
      base = getPreset(presetName).config
    } catch (error) {
      throw new ServiceError((error as Error).message, 'preset')
    }
  }
  return resolveConfig(base, config ?? {})
}

/** Where runs of a request train: its executor, else the service's; Slurm options only for slurm. */
export function placementFrom(
  core: ServiceCore,
  request: { executor?: Executor | null; slurm?: SlurmJobOptions | null }
): { executor: Executor; slurm: SlurmJobOptions | null } {
  const executor = request.executor ?? core.settings.executor
  if (request.slurm && executor !== 'slurm') throw new ServiceError(`Slurm options are only for executor slurm, and these runs are ${executor}`, 'slurm')
  return { executor, slurm: executor === 'slurm' ? (request.slurm ?? null) : null }
}

export function queueHandlers(core: ServiceCore): QueueHandlers {
  const { store } = core
  const one = (runId: number) => apiRuns(store, [runId], core.liveState)[0]

  return {
    async 'queue/list'() {
      return queueView(store, core.liveState)
    },

    async 'queue/add'(request) {
      const config = configFrom(request.preset, request.config)
      const run = store.queue.enqueue({ config, ...placementFrom(core, request) })
      core.log(
        run.id,
        'info',
        `queued: variant ${run.variant}, seed ${run.seed}, ${run.totalSteps} steps${run.executor === 'slurm' ? ', as a Slurm job' : ''}`,
        'status'
      )
      core.runChanged(run.id)
      core.scheduler.kick({ clearHold: true })
      return one(run.id)
    },

    async 'queue/move'({ runId, direction }) {
      store.queue.move(runId, direction)
      core.queueChanged()
    },

    async 'queue/pause'({ runId }) {
      const run = store.runs.require(runId)
      if (run.status === 'running') {
        const session = core.scheduler.session(runId)
        if (!session) throw new ServiceError(`run ${runId} is running in another process: pause it there`, 'runId', 'conflict')
        // the trainer checkpoints at the end of its current step, then the run becomes paused
        session.pause()
        core.log(runId, 'info', 'pause asked: the run checkpoints at the end of its current step', 'status')
        core.runChanged(runId)
        return
      }
      if (run.status === 'paused') return
      store.queue.setStatus(runId, 'paused')
      core.log(runId, 'info', 'held in the queue (paused)', 'status')
      core.runChanged(runId)
    },

    async 'queue/resume'({ runId }) {
      const run = store.runs.require(runId)
      if (run.status === 'queued' || run.status === 'running') return
      if (run.status !== 'paused' && run.status !== 'interrupted') {
        throw new ServiceError(`run ${runId} is ${run.status}: only paused or interrupted runs resume (retry a ${run.status} one)`, 'runId', 'conflict')
      }
      store.queue.setStatus(runId, 'queued')
      core.log(runId, 'info', `resumed by hand: queued, it ${resumeWords(resumeStepOf(store, runId))}`, 'status')
      core.runChanged(runId)
      core.scheduler.kick({ clearHold: true })
    },

    async 'queue/cancel'({ runId }) {
      const run = store.runs.require(runId)
      if (run.status === 'running') {
        const session = core.scheduler.session(runId)
        if (!session) throw new ServiceError(`run ${runId} is running in another process: cancel it there`, 'runId', 'conflict')
        session.stop()
        core.log(runId, 'info', 'cancel asked: the run stops at the end of its current step', 'status')
        core.runChanged(runId)
        return
      }
      store.queue.setStatus(runId, 'cancelled', { error: `cancelled at step ${run.step}` })
      core.log(runId, 'info', `cancelled at step ${run.step}`, 'status')
      core.runChanged(runId)
    },

    async 'queue/retry'({ runId }) {
      const copy = store.queue.retry(runId)
      core.log(copy.id, 'info', `queued as a retry of run ${runId}`, 'status')
      core.runChanged(copy.id)
      core.scheduler.kick({ clearHold: true })
      return one(copy.id)
    }
  }
}
