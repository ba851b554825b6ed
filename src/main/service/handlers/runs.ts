// 'runs/*': the record of every run, its series for charts, tags, notes,
// exports and deletion.
import fs from 'node:fs'
import type { MetricPoint, ParsedHandlers } from '../../../shared/api.ts'
import { NotFoundError } from '../../store/index.ts'
import { ServiceError } from '../errors.ts'
import { checkpointDir, type ServiceCore } from '../context.ts'
import { toApiRun } from '../records.ts'

type RunHandlers = Pick<ParsedHandlers, 'runs/list' | 'runs/get' | 'runs/series' | 'runs/delete' | 'runs/tag' | 'runs/note' | 'runs/export'>

/** Refuses to delete a run that is training now (its trainer still writes checkpoints). */
export function refuseRunning(core: ServiceCore, runId: number, what: string, field: string): void {
  if (core.scheduler.session(runId)) throw new ServiceError(`run ${runId} is running: cancel it before deleting ${what}`, field, 'conflict')
}

/** The checkpoint files and folder of a run whose rows were deleted. */
export function removeRunFiles(core: ServiceCore, runId: number, checkpointPaths: readonly string[]): void {
  for (const file of checkpointPaths) fs.rmSync(file, { force: true })
  fs.rmSync(checkpointDir(core.settings.homeDir, runId), { recursive: true, force: true })
}

export function runHandlers(core: ServiceCore): RunHandlers {
  const { store } = core

  return {
    async 'runs/list'(request) {
      return store.runs
        .list({
          // null: the runs of no experiment; left out: every run
          experimentId: request.experimentId,
          status: request.status ?? undefined,
          search: request.search ?? undefined,
          tag: request.tag ?? undefined,
          limit: request.limit ?? undefined
        })
        .map((item) => toApiRun(store, item))
    },

    async 'runs/get'({ runId }) {
      const [item] = store.runs.list({ ids: [runId] })
      if (!item) throw new NotFoundError('run', runId)
      return toApiRun(store, item)
    },

    async 'runs/series'({ runId, names, maxPoints, afterStep }) {
      store.runs.require(runId)
      const options = { maxPoints: maxPoints ?? undefined, afterStep: afterStep ?? undefined, withTime: true }
      const out: Record<string, MetricPoint[]> = {}
      for (const metric of names) out[metric] = store.metrics.series(runId, metric, options).points
      return out
    },

    async 'runs/delete'({ runId }) {
      refuseRunning(core, runId, 'it', 'runId')
      const { checkpointPaths } = store.runs.delete(runId)
      removeRunFiles(core, runId, checkpointPaths)
      core.log(null, 'info', `run ${runId} deleted with its metrics and checkpoints`, 'run-deleted')
      core.queueChanged()
    },

    async 'runs/tag'({ runId, tags }) {
      const wanted = new Set(tags)
      store.transaction(() => {
        const current = store.annotations.tags(runId)
        for (const tag of current) if (!wanted.has(tag)) store.annotations.removeTag(runId, tag)
        for (const tag of wanted) if (!current.includes(tag)) store.annotations.addTag(runId, tag)
      })
      core.runChanged(runId)
    },

    async 'runs/note'({ runId, note }) {
      store.annotations.setNote({ runId }, note)
      core.runChanged(runId)
    },

    async 'runs/export'({ runId, format }) {
      if (format === 'csv') return { fileName: `run-${runId}-metrics.csv`, content: store.exports.metricsCsv(runId) }
      return { fileName: `run-${runId}.json`, content: JSON.stringify(store.exports.runJson(runId)) }
    }
  }
}
