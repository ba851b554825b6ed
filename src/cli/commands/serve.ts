// `fixmatch-lab serve`: the lab without Electron: the service with its
// scheduler, the built renderer and the API on 127.0.0.1, with the token kept
// in the home (every serve of it takes the same one; --new-token rotates it).
// How a GPU box without a display is driven, from a browser.
import { inPackage } from '../../main/package-root.ts'
import { resolveHome } from '../../main/paths.ts'
import { CliError, executorFlag, EXECUTOR_USAGE, parseFlags, slotsFlag, SLOTS_USAGE } from '../args.ts'
import { hostLab } from '../hosting.ts'

const DEFAULT_PORT = 4310

const USAGE = `Usage: fixmatch-lab serve [--port P] [--host 127.0.0.1] [--slots N] [--executor local|slurm] [--new-token] [--home DIR]

Serves the app (the built renderer, \`npm run build\`) and its API at
http://HOST:PORT (port ${DEFAULT_PORT} unless given; 0 picks a free one) and
works the queue. Open the printed link once: it carries the home's access
token (kept in <home>/serve-token, the same for every serve of that home),
and the page then keeps a session cookie, so reloads, new tabs and a restart
of serve need no new link. --new-token makes a new token, which logs out every
page opened with the old one. Ctrl-C pauses the running runs
with a checkpoint and stops. ${SLOTS_USAGE}; the queue view shows and changes it.
${EXECUTOR_USAGE}.`

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      home: { type: 'string' },
      quiet: { type: 'boolean' },
      slots: { type: 'string' },
      executor: { type: 'string' },
      'new-token': { type: 'boolean' }
    },
    USAGE
  )
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be 0 to 65535, got "${values.port}"`)
  const host = values.host ?? '127.0.0.1'
  const home = resolveHome(values.home)
  const rendererDir = inPackage('out', 'renderer')
  const hosted = await hostLab({
    home,
    mode: 'serve',
    host,
    port,
    rendererDir,
    quiet: values.quiet,
    slots: slotsFlag(values.slots),
    executor: executorFlag(values.executor),
    newToken: values['new-token']
  })
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    process.stderr.write(`warning: listening on ${host}: anyone who can reach this port and learns the token controls this lab (plain HTTP, no TLS)\n`)
  }
  console.log(`FixMatch Lab is serving ${home}\nopen ${hosted.server.pageUrl}`)
  hosted.service.start()
  await hosted.stopped
  return 0
}
