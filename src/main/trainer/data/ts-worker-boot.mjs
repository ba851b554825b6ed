// Starts a TypeScript worker when running from sources (CLI through tsx,
// tests): registers tsx in this thread, then loads the real entry.
import { register } from 'tsx/esm/api'
import { workerData } from 'node:worker_threads'

register()
await import(workerData.tsEntry)
