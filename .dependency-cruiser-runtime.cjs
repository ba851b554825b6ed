// Second pass of `npm run lint:walls`: the walls of .dependency-cruiser.cjs followed through other
// modules, over the imports that load code at run time (type-only ones are left out: the trainer
// protocol may name a trainer type without the service loading the trainer).
const direct = require('./.dependency-cruiser.cjs')
const wall = (name) => direct.forbidden.find((rule) => rule.name === name)
const lab = wall('lab-no-electron-tfjs')

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
      from: { path: lab.from.path },
      to: { reachable: true, path: lab.to.path }
    },
    {
      name: 'electron-main-thin',
      comment:
        'Electron main keeps the window, its guards, the ports and quit: the service, the store, the trainer and their packages load in the service host, never in main.',
      severity: 'error',
      from: { path: '^src/main/index\\.ts$' },
      to: {
        reachable: true,
        path: [
          '^src/main/(service|store|server|checkpoint)/',
          '^src/main/service-host/(host|window-port|entry)\\.ts$',
          '(^|node_modules/)(better-sqlite3|tar|@tensorflow/[^/]+)(/|$)'
        ]
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
