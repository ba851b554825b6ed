// The walls between FixMatch Lab's parts, checked by dependency-cruiser (`npm run lint:walls`).
// It resolves every import (.ts, .mjs and .vue) to the file it loads, so a rule about
// src/main/store cannot be fooled by another folder's store.ts. Two passes:
// - this file: the direct walls, type-only imports included (a wall is about what a part knows);
// - .dependency-cruiser-runtime.cjs: the same walls followed through other modules, over what is
//   loaded at run time (a type-only import loads nothing).

// a package path, resolved (node_modules/...) or not (a bare name)
const pkg = (name) => `(^|node_modules/)${name}(/|$)`
const ELECTRON_OR_TFJS = [pkg('electron'), pkg('@tensorflow/[^/]+')]

module.exports = {
  forbidden: [
    {
      name: 'renderer-only-shared',
      comment: 'The renderer (a sandboxed page) imports only src/shared, its own files and npm packages; it reaches the lab through the preload bridge.',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { pathNot: ['^src/(renderer|shared)/', 'node_modules/'] }
    },
    {
      name: 'lab-no-electron-tfjs',
      comment:
        'The lab service, its host process, the store, the server and the checkpoint format run without Electron (CLI, serve; the host gets its parentPort handed in) and without tfjs (training lives in its own process).',
      severity: 'error',
      from: { path: '^src/main/(service|service-host|store|server|checkpoint)/' },
      to: { path: ELECTRON_OR_TFJS }
    },
    {
      name: 'trainer-no-store',
      comment: 'The trainer never touches SQLite: it sends messages and the service persists them.',
      severity: 'error',
      from: { path: '^src/main/trainer/' },
      to: { path: ['^src/main/store/', pkg('better-sqlite3')] }
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
      to: { pathNot: ['^src/shared/', 'node_modules/'], dependencyTypesNot: ['core'] }
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to no file (the .mjs files are not type-checked).',
      severity: 'error',
      from: { pathNot: 'node_modules/' },
      to: { couldNotResolve: true }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] }
  }
}
