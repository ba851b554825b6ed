// What the run page reads beyond the run's record: its events and log lines
// (pause asked, interrupted, resumed from step N, checkpoints written, the
// trainer's own lines), the checkpoints kept, and the run as a bundle to
// download (the same file as `fixmatch-lab export --format bundle`).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ParsedHandlers } from '../../../shared/api.ts'
import { checkpointFileIsValid } from '../../store/index.ts'
import { writeRunBundle } from '../bundle.ts'
import type { ServiceCore } from '../context.ts'

type RunPageHandlers = Pick<ParsedHandlers, 'runs/events' | 'runs/checkpoints' | 'runs/bundle'>

export function runPageHandlers(core: ServiceCore): RunPageHandlers {
  const { store } = core

  return {
    async 'runs/events'({ runId, afterId, limit }) {
      store.runs.require(runId)
      return store.events.list({ runId, afterId: afterId ?? undefined, limit: limit ?? undefined }).map((event) => ({
        id: event.id,
        time: new Date(event.time).toISOString(),
        level: event.level,
        kind: event.kind,
        message: event.message,
        ...(event.data === null ? {} : { data: event.data })
      }))
    },

    async 'runs/checkpoints'({ runId }) {
      store.runs.require(runId)
      return store.checkpoints.list(runId).map((checkpoint) => ({
        step: checkpoint.step,
        bytes: checkpoint.bytes,
        sha256: checkpoint.sha256,
        createdAt: new Date(checkpoint.createdAt).toISOString(),
        present: checkpointFileIsValid(checkpoint, 'size')
      }))
    },

    async 'runs/bundle'({ runId }) {
      store.runs.require(runId)
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'fixmatch-bundle-out-'))
      try {
        const fileName = `run-${runId}.fixmatch-run.tar`
        const file = path.join(folder, fileName)
        const { bytes, checkpointStep } = await writeRunBundle(store, runId, file)
        return { fileName, base64: fs.readFileSync(file).toString('base64'), bytes, checkpointStep }
      } finally {
        fs.rmSync(folder, { recursive: true, force: true })
      }
    }
  }
}
