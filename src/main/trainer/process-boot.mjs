// Starts the trainer process from TypeScript sources (the tests, which run the
// sources through vitest): registers tsx (a devDependency) in this process,
// then loads the real entry. The CLI's build and the app fork their built
// trainer-process.js instead.
import { register } from 'tsx/esm/api'

register()
await import(new URL('./process.ts', import.meta.url).href)
