// Starts a TypeScript worker when running from sources (the tests, through
// vitest): registers tsx (a devDependency) in this thread, then loads the real
// entry. The CLI's build and the app start their built prepare-worker.js.
import { register } from 'tsx/esm/api'
import { workerData } from 'node:worker_threads'

register()
await import(workerData.tsEntry)
