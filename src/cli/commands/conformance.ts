// `fixmatch-lab conformance --fixtures DIR`: one line per case, then "N passed, M failed".
import { BACKEND_CHOICES, BackendUnavailableError, initBackend, type BackendInfo } from '../../main/trainer/backend.ts'
import { fixtureFiles, formatCase, runCase } from '../../main/conformance/runner.ts'
import { CliError, oneOf, parseFlags } from '../args.ts'

const USAGE = `Usage: fixmatch-lab conformance --fixtures DIR [--backend ${BACKEND_CHOICES.join('|')}] [--skip-if-unavailable] [--json]

Runs every *.json reference fixture in DIR and compares our engine's values with
them. Exit status 1 when any case fails or a file's kind is unknown.

  --skip-if-unavailable   when the backend is not available here (e.g. webgpu
                          without a Vulkan driver), print why and exit 0; with
                          FIXMATCH_REQUIRE_WEBGPU=1 in the environment (CI) a
                          missing webgpu backend fails instead`

export async function conformanceCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { fixtures: { type: 'string' }, backend: { type: 'string' }, 'skip-if-unavailable': { type: 'boolean' }, json: { type: 'boolean' } },
    USAGE
  )
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const dir = values.fixtures ?? positionals[0]
  if (!dir) throw new CliError(`--fixtures DIR is required\n\n${USAGE}`)
  const choice = oneOf('backend', values.backend, BACKEND_CHOICES, 'auto')
  let backend: BackendInfo
  try {
    backend = await initBackend(choice)
  } catch (err) {
    if (!(err instanceof BackendUnavailableError) || !values['skip-if-unavailable']) throw err
    if (choice === 'webgpu' && process.env.FIXMATCH_REQUIRE_WEBGPU === '1') {
      console.error(`conformance on webgpu: FAILED, FIXMATCH_REQUIRE_WEBGPU=1 and ${err.message}`)
      return 1
    }
    console.log(`conformance on ${choice}: skipped, ${err.message}`)
    return 0
  }
  let files: string[]
  try {
    files = fixtureFiles(dir)
  } catch (err) {
    throw new CliError((err as Error).message)
  }
  if (files.length === 0) throw new CliError(`no *.json fixture files in ${dir}`)
  console.log(`conformance: ${files.length} fixtures in ${dir} on the ${backend.backend} backend (${backend.device})`)
  const results = []
  for (const file of files) {
    const result = await runCase(file)
    results.push(result)
    console.log(formatCase(result))
  }
  const passed = results.filter((r) => r.pass).length
  const failed = results.length - passed
  if (values.json) console.log(JSON.stringify({ backend: backend.backend, passed, failed, cases: results }))
  console.log(`${passed} passed, ${failed} failed`)
  return failed === 0 ? 0 : 1
}
