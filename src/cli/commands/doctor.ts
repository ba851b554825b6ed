// `fixmatch-lab doctor`: which backend would train, what hardware is seen, and how to get a faster one.
import { BACKEND_CHOICES, initBackend } from '../../main/trainer/backend.ts'
import { collectReport } from '../../main/doctor.ts'
import { oneOf, parseFlags } from '../args.ts'

const USAGE = `Usage: fixmatch-lab doctor [--backend auto|node-gpu|node|wasm|cpu] [--json]

Shows the backend that would be used (and why faster ones were skipped), the CPU
and GPU seen, whether the CUDA 11.2 and cuDNN 8 libraries tfjs-node-gpu needs are
found, and the exact fix when not.`

export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { backend: { type: 'string' }, json: { type: 'boolean' } }, USAGE)
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const backend = await initBackend(oneOf('backend', values.backend, BACKEND_CHOICES, 'auto'))
  const report = collectReport(backend.backend)
  if (values.json) {
    console.log(JSON.stringify({ backend: backend.backend, device: backend.device, skipped: backend.skipped, ...report }))
    return 0
  }
  console.log(`backend   ${backend.backend} (${backend.device})`)
  for (const s of backend.skipped) console.log(`  skipped ${s.backend}: ${s.reason}`)
  console.log(`cpu       ${report.cpu}, ${report.cores} cores, ${report.memoryGiB} GiB`)
  console.log(`gpu       ${report.gpu.gpus.length ? report.gpu.gpus.join('; ') + (report.gpu.driver ? ` (driver ${report.gpu.driver})` : '') : 'none seen'}`)
  for (const [pkg, ok] of Object.entries(report.packages)) console.log(`package   ${pkg}: ${ok ? 'installed' : 'not installed'}`)
  for (const lib of report.cudaLibraries) console.log(`cuda      ${lib.name}: ${lib.foundAt ?? `not found (${lib.wanted.join(', ')})`}`)
  if (report.advice.length) {
    console.log('\nadvice')
    for (const line of report.advice) console.log(`  - ${line}`)
  }
  return 0
}
