// `fixmatch-lab doctor`: which backend would train, what hardware is seen, and how to get a faster one.
import path from 'node:path'
import {
  BACKEND_CHOICES,
  BackendUnavailableError,
  describeAdapterForHumans,
  initBackend,
  type BackendChoice,
  type BackendInfo
} from '../../main/trainer/backend.ts'
import { listWebGpuAdapters } from '../../main/trainer/webgpu.ts'
import { collectReport } from '../../main/doctor.ts'
import {
  DAWN_GLIBC,
  DAWN_GLIBCXX,
  dawnRuntimeChecks,
  isSoftwareDriver,
  probeWebGpu,
  WEBGPU_PROBE_TIMEOUT_MS,
  type WebGpuReport
} from '../../main/doctor-webgpu.ts'
import { oneOf, parseFlags } from '../args.ts'
import { resolveHome } from '../../main/paths.ts'
import { collectHomeReport, homeLines } from '../home-report.ts'

const USAGE = `Usage: fixmatch-lab doctor [--backend ${BACKEND_CHOICES.join('|')}] [--home DIR] [--json]

Shows the backend that would be used (and why faster ones were skipped), the CPU
and GPU seen, the WebGPU adapters Dawn offers (on Linux also whether dawn.node's
glibc/libstdc++ and a Vulkan loader and driver are there), whether the CUDA 11.2
and cuDNN 8 libraries tfjs-node-gpu needs are found, and the exact fix when not.
The WebGPU probe runs in a child process and is given up after ${WEBGPU_PROBE_TIMEOUT_MS / 1000} s.
Then the home folder (--home, else FIXMATCH_LAB_HOME, else the app's): what chose it,
its runs and experiments, the datasets imported, a service holding it, its slots.`

export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { backend: { type: 'string' }, json: { type: 'boolean' }, home: { type: 'string' }, 'probe-webgpu': { type: 'boolean' } },
    USAGE
  )
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (values['probe-webgpu']) return answerWebGpuProbe()
  const choice = oneOf('backend', values.backend, BACKEND_CHOICES, 'auto')

  // this same CLI, as a child: a GPU driver that hangs or crashes takes the child down, not doctor
  const probe = await probeWebGpu([process.execPath, process.argv[1], 'doctor', '--probe-webgpu'])
  const webgpu: WebGpuReport = { probe, ...(process.platform === 'linux' ? { runtime: dawnRuntimeChecks() } : {}) }
  const backend = probe.status === 'answered' ? await initBackend(choice) : await initBackendWithoutWebGpu(choice, probe.reason)
  const report = await collectReport(backend.backend, webgpu)
  const home = await collectHomeReport(resolveHome(values.home), values.home)
  if (values.json) {
    console.log(JSON.stringify({ backend: backend.backend, device: backend.device, skipped: backend.skipped, ...report, home }))
    return 0
  }
  console.log(`backend   ${backend.backend} (${backend.device})`)
  for (const s of backend.skipped) console.log(`  skipped ${s.backend}: ${s.reason}`)
  console.log(`cpu       ${report.cpu}, ${report.cores} cores, ${report.memoryGiB} GiB`)
  console.log(`gpu       ${report.gpu.gpus.length ? report.gpu.gpus.join('; ') + (report.gpu.driver ? ` (driver ${report.gpu.driver})` : '') : 'none seen'}`)
  for (const line of webGpuLines(webgpu)) console.log(line)
  for (const [pkg, ok] of Object.entries(report.packages)) console.log(`package   ${pkg}: ${ok ? 'installed' : 'not installed'}`)
  for (const lib of report.cudaLibraries) console.log(`cuda      ${lib.name}: ${lib.foundAt ?? `not found (${lib.wanted.join(', ')})`}`)
  for (const line of homeLines(home)) console.log(line)
  if (report.advice.length) {
    console.log('\nadvice')
    for (const line of report.advice) console.log(`  - ${line}`)
  }
  return 0
}

/** The child's side of probeWebGpu: the adapter listing as one JSON line, then exit (Dawn would keep the process alive). */
async function answerWebGpuProbe(): Promise<never> {
  const listing = await listWebGpuAdapters()
  await new Promise<void>((resolve) => process.stdout.write(JSON.stringify(listing) + '\n', () => resolve()))
  process.exit(0)
}

/** auto's order without webgpu, for when the probe hung or crashed: trying Dawn in this process would do the same. */
async function initBackendWithoutWebGpu(choice: BackendChoice, why: string): Promise<BackendInfo> {
  if (choice === 'webgpu')
    throw new BackendUnavailableError(`backend "webgpu" is not available here (${why}). Run \`fixmatch-lab doctor\` without --backend for the rest.`)
  if (choice !== 'auto') return initBackend(choice)
  const skipped: BackendInfo['skipped'] = [{ backend: 'webgpu', reason: why }]
  for (const name of BACKEND_CHOICES.filter((c): c is Exclude<BackendChoice, 'auto' | 'webgpu'> => c !== 'auto' && c !== 'webgpu')) {
    try {
      const info = await initBackend(name)
      return { ...info, skipped: [...skipped, ...info.skipped] }
    } catch (err) {
      skipped.push({ backend: name, reason: (err as Error).message.split('\n')[0] })
    }
  }
  throw new BackendUnavailableError(`no backend is available here (${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')})`)
}

function webGpuLines({ probe, runtime }: WebGpuReport): string[] {
  const lines = probe.adapters.map((a) => `webgpu    ${describeAdapterForHumans(a)}${a.software ? ' (auto skips it)' : ''}`)
  if (probe.adapters.length === 0) lines.push(`webgpu    no adapter: ${probe.reason ?? 'none reported'}`)
  if (probe.adapters.length === 0) for (const message of probe.dawnMessages) lines.push(`  dawn    ${message}`)
  if (runtime) {
    lines.push(`glibc     ${runtime.glibc ?? 'not found (not a glibc system?)'}: ${runtime.glibcOk ? 'ok' : `dawn.node needs ${DAWN_GLIBC}`}`)
    lines.push(
      `libstdc++ ${runtime.libstdcxx ?? 'libstdc++.so.6 not found'}: ${runtime.glibcxxOk ? `has ${DAWN_GLIBCXX}` : `lacks ${DAWN_GLIBCXX} (dawn.node needs it)`}`
    )
    lines.push(
      `vulkan    loader ${runtime.vulkanLoader ? `${runtime.vulkanLoader}${runtime.vulkanLoaderBundled ? " (the bundle's copy)" : ''}` : 'libvulkan.so.1 not found'}`
    )
    const drivers = runtime.vulkanDrivers.map((f) => `${path.basename(f)}${isSoftwareDriver(f) ? ' (software)' : ''}`)
    lines.push(`vulkan    drivers ${drivers.length ? drivers.join(', ') : 'none registered (no ICD file in /etc/vulkan/icd.d or /usr/share/vulkan/icd.d)'}`)
  }
  return lines
}
