// Starts the trainer process from TypeScript sources (CLI through tsx, tests):
// registers tsx in this process, then loads the real entry. The built app
// forks the bundled trainer-process.js instead.
import { register } from 'tsx/esm/api'

register()
await import(new URL('./process.ts', import.meta.url).href)
