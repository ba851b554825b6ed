// Second pass of `npm run lint:walls`: the walls of .dependency-cruiser.cjs followed through other
// modules, over the imports that load code at run time (type-only ones are left out: the trainer
// protocol may name a trainer type without the service loading the trainer).
const direct = require('./.dependency-cruiser.cjs')
const wall = (name) => direct.forbidden.find((rule) => rule.name === name)
const lab = wall('lab-no-electron-tfjs')

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
      name: 'page-not-reaching-electron-tfjs',
      comment: 'No Electron or tfjs in the page, through any module (src/shared is loaded by the page too).',
      severity: 'error',
      from: { path: '^src/(renderer|shared)/' },
      to: { reachable: true, path: lab.to.path }
    },
    {
      name: 'lab-not-reaching-electron-tfjs',
      comment: 'What the lab modules reach ends up in the Electron main bundle and the CLI.',
      severity: 'error',
      from: { path: lab.from.path, pathNot: KNOWN_LAB_REACHING_TFJS },
      to: { reachable: true, path: lab.to.path }
    },
    {
      name: 'known-tfjs-chain-stays-one',
      comment: 'The modules of KNOWN_LAB_REACHING_TFJS get no new way into the trainer or the rest of src/main.',
      severity: 'error',
      from: { path: KNOWN_LAB_REACHING_TFJS },
      to: {
        path: '^src/main/',
        pathNot: [lab.from.path, '^src/main/trainer/checkpoint-file\\.ts$', '^src/main/trainer/protocol\\.ts$']
      }
    },
    {
      name: 'trainer-not-reaching-sqlite',
      comment: 'The trainer loads no SQLite through another module either (the service, say).',
      severity: 'error',
      from: { path: wall('trainer-no-store').from.path },
      to: { reachable: true, path: '(^|node_modules/)better-sqlite3(/|$)' }
    }
  ],
  options: { ...direct.options, tsPreCompilationDeps: false }
}
