// The walls between FixMatch Lab's parts, checked by dependency-cruiser (`npm run lint`).
// It resolves every import (.ts, .mjs and .vue, type-only imports included) to the file it loads,
// so a rule about src/main/store cannot be fooled by another folder's store.ts, and it follows
// imports transitively, which the Electron-free wall needs: service/bundle.ts imports no tfjs
// itself, but the trainer module it imports does.

const ELECTRON_OR_TFJS = '^(node_modules/)?(electron|@tensorflow/[^/]+)(/|$)'
const LAB = '^src/main/(service|store|server)/'

// Known violations, kept until the refactor that issue 10 asks for ("Heavy work off Electron's
// main process": one checkpoint module without tfjs). Each entry is a module that reaches
// @tensorflow/tfjs-core today, and why. Delete the entries when the chain is cut; do not add any.
const KNOWN_LAB_REACHING_TFJS = [
  // bundle.ts -> trainer/checkpoint-file.ts -> trainer/state.ts -> @tensorflow/tfjs-core
  '^src/main/service/bundle\\.ts$',
  // re-exports bundle.ts
  '^src/main/service/index\\.ts$'
]

module.exports = {
  forbidden: [
    {
      name: 'renderer-only-shared',
      comment: 'The renderer (a sandboxed page) imports only src/shared, its own files and npm packages; it reaches the lab through the preload bridge.',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { pathNot: ['^src/(renderer|shared)/', '^node_modules/'] }
    },
    {
      name: 'page-not-reaching-electron-tfjs',
      comment: 'No Electron or tfjs in the page, directly or through another module (src/shared is loaded by the page too).',
      severity: 'error',
      from: { path: '^src/(renderer|shared)/' },
      to: { reachable: true, path: ELECTRON_OR_TFJS }
    },
    {
      name: 'lab-no-electron-tfjs',
      comment: 'The lab service, the store and the server run without Electron (CLI, serve) and without tfjs (training lives in its own process).',
      severity: 'error',
      from: { path: LAB },
      to: { path: ELECTRON_OR_TFJS }
    },
    {
      name: 'lab-not-reaching-electron-tfjs',
      comment: 'Not through another module either (what is reachable ends up in the Electron main bundle).',
      severity: 'error',
      from: { path: LAB, pathNot: KNOWN_LAB_REACHING_TFJS },
      to: { reachable: true, path: ELECTRON_OR_TFJS }
    },
    {
      name: 'known-tfjs-chain-stays-one',
      comment: 'The modules of KNOWN_LAB_REACHING_TFJS get no new way into the trainer or the rest of src/main.',
      severity: 'error',
      from: { path: KNOWN_LAB_REACHING_TFJS },
      to: {
        path: '^src/main/',
        pathNot: [LAB, '^src/main/trainer/checkpoint-file\\.ts$', '^src/main/trainer/protocol\\.ts$']
      }
    },
    {
      name: 'trainer-no-store',
      comment: 'The trainer never touches SQLite: it sends messages and the service persists them.',
      severity: 'error',
      from: { path: '^src/main/trainer/' },
      to: { path: '^src/main/store/' }
    },
    {
      name: 'trainer-not-reaching-sqlite',
      comment: 'Not through another module either (the service, say).',
      severity: 'error',
      from: { path: '^src/main/trainer/' },
      to: { reachable: true, path: '^node_modules/better-sqlite3/' }
    },
    {
      name: 'shared-no-node',
      comment: 'src/shared runs in the page too: no Node builtins.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { dependencyTypes: ['core'] }
    },
    {
      name: 'shared-only-shared',
      comment: 'src/shared imports nothing from the other parts, so the renderer cannot reach them through it.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { pathNot: ['^src/shared/', '^node_modules/'], dependencyTypesNot: ['core'] }
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to no file (the .mjs files are not type-checked).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true }
    }
  ],
  options: {
    doNotFollow: { path: '^node_modules/' },
    // type-only imports count: a wall is about what a part knows, not only what it loads
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] }
  }
}
