// `fixmatch-lab conformance --fixtures DIR`: one line per case, then "N passed, M failed".
import { BACKEND_CHOICES, initBackend } from '../../main/trainer/backend.ts'
import { fixtureFiles, formatCase, runCase } from '../../main/conformance/runner.ts'
import { CliError, oneOf, parseFlags } from '../args.ts'

const USAGE = `Usage: fixmatch-lab conformance --fixtures DIR [--backend auto|node-gpu|node|wasm|cpu] [--json]

Runs every *.json reference fixture in DIR and compares our engine's values with
them. Exit status 1 when any case fails or a file's kind is unknown.`

export async function conformanceCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { fixtures: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' } }, USAGE)
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const dir = values.fixtures ?? positionals[0]
  if (!dir) throw new CliError(`--fixtures DIR is required\n\n${USAGE}`)
  const backend = await initBackend(oneOf('backend', values.backend, BACKEND_CHOICES, 'auto'))
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
