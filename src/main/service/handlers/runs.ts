// 'runs/*': the record of every run, its series for charts, tags, notes,
// exports and deletion.
import fs from 'node:fs'
import type { Handlers, MetricPoint } from '../../../shared/api.ts'
import { RUN_STATUSES, NotFoundError, type RunStatus } from '../../store/index.ts'
import { ServiceError } from '../errors.ts'
import { checkpointDir, type ServiceCore } from '../context.ts'
import { toApiRun } from '../records.ts'
import { id, list, oneOf, optionalInt, optionalText, requestObject, show, text } from '../validate.ts'

type RunHandlers = Pick<Handlers, 'runs/list' | 'runs/get' | 'runs/series' | 'runs/delete' | 'runs/tag' | 'runs/note' | 'runs/export'>

const status = (value: unknown, where: string): RunStatus => {
  if (!(RUN_STATUSES as readonly unknown[]).includes(value)) throw new ServiceError(`${where}: expected one of ${RUN_STATUSES.join(', ')}, got ${show(value)}`, 'status')
  return value as RunStatus
}
const name = (value: unknown, where: string): string => {
  if (typeof value !== 'string' || !value || value.length > 200) throw new ServiceError(`${where}: expected a name of 1 to 200 characters, got ${show(value)}`, where)
  return value
}

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
    async 'runs/list'(raw) {
      const request = requestObject(raw, 'runs/list')
      const experimentId = request.experimentId === undefined || request.experimentId === null ? undefined : id(request, 'experimentId')
      return store.runs
        .list({
          experimentId,
          status: list(request, 'status', status, { optional: true }),
          search: optionalText(request, 'search', 200),
          tag: optionalText(request, 'tag', 64),
          limit: optionalInt(request, 'limit', 1)
        })
        .map(toApiRun)
    },

    async 'runs/get'(raw) {
      const runId = id(requestObject(raw, 'runs/get'), 'runId')
      const [item] = store.runs.list({ ids: [runId] })
      if (!item) throw new NotFoundError('run', runId)
      return toApiRun(item)
    },

    async 'runs/series'(raw) {
      const request = requestObject(raw, 'runs/series')
      const runId = id(request, 'runId')
      store.runs.require(runId)
      const names = list(request, 'names', name, { max: 50 })!
      const maxPoints = optionalInt(request, 'maxPoints', 2)
      const afterStep = request.afterStep === undefined || request.afterStep === null ? undefined : optionalInt(request, 'afterStep', -1)
      const out: Record<string, MetricPoint[]> = {}
      for (const metric of names) out[metric] = store.metrics.series(runId, metric, { maxPoints, afterStep }).points
      return out
    },

    async 'runs/delete'(raw) {
      const runId = id(requestObject(raw, 'runs/delete'), 'runId')
      refuseRunning(core, runId, 'it', 'runId')
      const { checkpointPaths } = store.runs.delete(runId)
      removeRunFiles(core, runId, checkpointPaths)
      core.log(null, 'info', `run ${runId} deleted with its metrics and checkpoints`, 'run-deleted')
      core.queueChanged()
    },

    async 'runs/tag'(raw) {
      const request = requestObject(raw, 'runs/tag')
      const runId = id(request, 'runId')
      const wanted = new Set(list(request, 'tags', (value, where) => text({ [where]: value }, where, 64).trim(), { max: 100 })!)
      store.transaction(() => {
        const current = store.annotations.tags(runId)
        for (const tag of current) if (!wanted.has(tag)) store.annotations.removeTag(runId, tag)
        for (const tag of wanted) if (!current.includes(tag)) store.annotations.addTag(runId, tag)
      })
      core.runChanged(runId)
    },

    async 'runs/note'(raw) {
      const request = requestObject(raw, 'runs/note')
      const runId = id(request, 'runId')
      store.annotations.setNote({ runId }, text(request, 'note', 100_000))
      core.runChanged(runId)
    },

    async 'runs/export'(raw) {
      const request = requestObject(raw, 'runs/export')
      const runId = id(request, 'runId')
      const format = oneOf(request, 'format', ['csv', 'json'] as const)
      if (format === 'csv') return { fileName: `run-${runId}-metrics.csv`, content: store.exports.metricsCsv(runId) }
      return { fileName: `run-${runId}.json`, content: JSON.stringify(store.exports.runJson(runId)) }
    }
  }
}
