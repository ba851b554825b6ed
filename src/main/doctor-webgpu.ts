// doctor's WebGPU half: which adapters Dawn offers (asked in a child process
// with a time limit, since a hung GPU driver would otherwise hang doctor), and
// on Linux whether dawn.node can load at all (glibc 2.34, GLIBCXX_3.4.30) and
// find Vulkan (the loader libvulkan.so.1 and a driver's ICD file).
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { findLibrary, libraryFolders } from './library-search.ts'
import type { WebGpuAdapter, WebGpuListing } from './trainer/webgpu.ts'

/** What dawn.node (webgpu 0.6.2, linux-x64) links against. */
export const DAWN_GLIBC = '2.34'
export const DAWN_GLIBCXX = 'GLIBCXX_3.4.30'

/** A probe that does not answer in this time is reported as hung; 20 s leaves room for a slow start on a loaded machine. */
export const WEBGPU_PROBE_TIMEOUT_MS = 20_000

export type WebGpuProbe =
  | { status: 'answered'; adapters: WebGpuAdapter[]; reason?: string; dawnMessages: string[] }
  | { status: 'failed' | 'timed-out'; adapters: []; reason: string; dawnMessages: string[] }

/** Dawn's own warnings that say nothing about why an adapter is missing. */
const DAWN_NOISE = /artificially reduced .* to fit dynamic offset allocation limit/

/**
 * Runs `command` (which prints listWebGpuAdapters()'s answer as JSON on its
 * last stdout line and exits) and kills it after `timeoutMs`.
 */
export function probeWebGpu(command: string[], timeoutMs = WEBGPU_PROBE_TIMEOUT_MS): Promise<WebGpuProbe> {
  return new Promise((resolve) => {
    const [file, ...args] = command
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const messages = () =>
      stderr
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line && !DAWN_NOISE.test(line))
        .slice(-8)
    let settled = false
    const finish = (probe: WebGpuProbe) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(probe)
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      finish({
        status: 'timed-out',
        adapters: [],
        reason: `the WebGPU probe did not answer within ${Math.round(timeoutMs / 1000)} s (a GPU driver may be hung); webgpu was not tried in this process`,
        dawnMessages: messages()
      })
    }, timeoutMs)
    child.on('error', (err) => finish({ status: 'failed', adapters: [], reason: `the WebGPU probe did not start: ${err.message}`, dawnMessages: [] }))
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').pop() ?? ''
      try {
        const listing = JSON.parse(last) as WebGpuListing
        if (!Array.isArray(listing.adapters)) throw new Error('no adapters array')
        finish({ status: 'answered', adapters: listing.adapters, ...(listing.reason ? { reason: listing.reason } : {}), dawnMessages: messages() })
      } catch {
        const how = signal ? `was killed by ${signal}` : `exited with status ${code}`
        finish({
          status: 'failed',
          adapters: [],
          reason: `the WebGPU probe ${how} without an answer (a crash in dawn.node or the Vulkan driver?)`,
          dawnMessages: messages()
        })
      }
    })
  })
}

export interface DawnRuntimeChecks {
  /** glibc of this process (process.report), undefined where not glibc (musl) */
  glibc?: string
  glibcOk: boolean
  /** the libstdc++.so.6 the linker would pick, and whether it has GLIBCXX_3.4.30 */
  libstdcxx?: string
  glibcxxOk: boolean
  /** libvulkan.so.1 the linker would pick; bundled when it is the worker bundle's copy */
  vulkanLoader?: string
  vulkanLoaderBundled: boolean
  /** Vulkan drivers registered with the loader (their ICD manifest files) */
  vulkanDrivers: string[]
}

/** 2.36 >= 2.34, comparing the numbers, not the strings. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number)
  const b = minimum.split('.').map(Number)
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0
    const y = b[i] ?? 0
    if (x !== y) return x > y
  }
  return true
}

/** The ICD manifest folders the Vulkan loader reads, or the files VK_DRIVER_FILES / VK_ICD_FILENAMES name instead. */
export function vulkanDriverFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const named = env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES
  if (named) return named.split(':').filter((file) => file && existsSync(file))
  const configDirs = (env.XDG_CONFIG_DIRS ?? '/etc/xdg').split(':').filter(Boolean)
  const dataDirs = (env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(':').filter(Boolean)
  const folders = [...configDirs, '/etc', ...dataDirs, '/usr/local/share', '/usr/share'].map((dir) => path.join(dir, 'vulkan', 'icd.d'))
  const files: string[] = []
  for (const folder of new Set(folders)) {
    let names: string[]
    try {
      names = readdirSync(folder)
    } catch {
      continue
    }
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) files.push(path.join(folder, name))
  }
  return files
}

/** A Vulkan driver that renders on the CPU (Mesa's lavapipe, SwiftShader). */
export function isSoftwareDriver(file: string): boolean {
  return /lvp|lavapipe|swiftshader/i.test(path.basename(file))
}

/** This process's glibc, or null where it is not linked against glibc (musl). */
function runtimeGlibc(): string | null {
  return (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime ?? null
}

export function dawnRuntimeChecks(env: NodeJS.ProcessEnv = process.env, glibc: string | null = runtimeGlibc()): DawnRuntimeChecks {
  const folders = libraryFolders(env)
  const libstdcxx = findLibrary({ name: 'libstdc++', wanted: ['libstdc++.so.6'] }, folders).foundAt
  let glibcxxOk = false
  if (libstdcxx) {
    try {
      glibcxxOk = readFileSync(libstdcxx).includes(DAWN_GLIBCXX)
    } catch {
      glibcxxOk = false
    }
  }
  const vulkanLoader = findLibrary({ name: 'Vulkan loader', wanted: ['libvulkan.so.1'] }, folders).foundAt
  const bundle = env.FIXMATCH_LAB_BUNDLE
  return {
    ...(glibc ? { glibc } : {}),
    glibcOk: glibc !== null && versionAtLeast(glibc, DAWN_GLIBC),
    ...(libstdcxx ? { libstdcxx } : {}),
    glibcxxOk,
    ...(vulkanLoader ? { vulkanLoader } : {}),
    vulkanLoaderBundled: Boolean(bundle && vulkanLoader && vulkanLoader.startsWith(path.join(bundle, path.sep))),
    vulkanDrivers: vulkanDriverFiles(env)
  }
}

export interface WebGpuReport {
  probe: WebGpuProbe
  /** Linux only: what dawn.node and Dawn's Vulkan backend need from the system */
  runtime?: DawnRuntimeChecks
}

export interface WebGpuAdviceContext {
  platform: string
  backendInUse: string
  /** nvidia-smi saw a GPU */
  nvidiaGpu: boolean
}

const LOADER_INSTALL = 'the Vulkan loader libvulkan.so.1 (Debian/Ubuntu: `apt-get install libvulkan1`; RHEL/Fedora: `dnf install vulkan-loader`)'

/** What to do for a GPU through WebGPU, given what the probe and the checks found. */
export function webGpuAdvice(report: WebGpuReport, context: WebGpuAdviceContext): string[] {
  const { probe, runtime } = report
  const hardware = probe.adapters.filter((a) => !a.software)
  const software = probe.adapters.filter((a) => a.software)
  if (hardware.length > 0) {
    if (context.backendInUse === 'webgpu' || context.backendInUse === 'node-gpu') return []
    const a = hardware[0]
    return [`A GPU is reachable through WebGPU (${a.description || a.device}): train on it with \`--backend webgpu\` (auto picks it too).`]
  }
  const advice: string[] = []
  if (probe.status !== 'answered') advice.push(`WebGPU: ${probe.reason}.`)
  if (context.platform !== 'linux') {
    // Metal and D3D12 come with the OS: there is nothing to install
    if (probe.adapters.length === 0)
      advice.push(
        `No WebGPU adapter (${probe.reason ?? 'none reported'}): on ${context.platform} WebGPU needs nothing installed; update the OS and the GPU driver.`
      )
    return advice
  }
  if (runtime) {
    if (!runtime.glibcOk) {
      advice.push(
        `dawn.node (the webgpu backend) needs glibc ${DAWN_GLIBC} or newer; this system has ${runtime.glibc ?? 'no glibc'}: ` +
          'use a newer OS (Ubuntu 22.04, Debian 12, RHEL 10 or later) or a container of one. wasm and cpu still work.'
      )
    }
    if (!runtime.glibcxxOk) {
      advice.push(
        `dawn.node needs a libstdc++ with ${DAWN_GLIBCXX} (GCC 12 or newer); ${runtime.libstdcxx ? `${runtime.libstdcxx} lacks it` : 'no libstdc++.so.6 was found'}: ` +
          "put a newer one first in LD_LIBRARY_PATH (on a cluster e.g. `module load gcc/12`; or conda's libstdcxx-ng)."
      )
    }
    if (runtime.glibcOk && runtime.glibcxxOk) {
      if (!runtime.vulkanLoader) advice.push(`WebGPU on Linux goes through Vulkan: install ${LOADER_INSTALL} and your GPU's Vulkan driver.`)
      const hardwareDrivers = runtime.vulkanDrivers.filter((f) => !isSoftwareDriver(f))
      if (runtime.vulkanLoader && hardwareDrivers.length === 0) {
        advice.push(
          context.nvidiaGpu
            ? 'An NVIDIA GPU is present but no Vulkan driver is registered (no nvidia_icd.json in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d): ' +
                'install the full NVIDIA driver (a compute-only install leaves Vulkan out; Ubuntu: libnvidia-gl-<version>); in a container set NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics.'
            : "No hardware Vulkan driver is registered: install your GPU vendor's Vulkan driver (NVIDIA: its driver; AMD, Intel: Mesa's mesa-vulkan-drivers)."
        )
      } else if (runtime.vulkanLoader && probe.status === 'answered') {
        advice.push(
          `Vulkan drivers are registered (${hardwareDrivers.map((f) => path.basename(f)).join(', ')}) but Dawn found no GPU through them` +
            (probe.dawnMessages.length ? ` (Dawn said: ${probe.dawnMessages.join(' | ')})` : '') +
            ": where this machine has a GPU, its driver is missing or too old for Dawn (Mesa 25 or newer; Debian 12's Mesa 22.3 is refused)."
        )
      }
    }
  } else if (probe.adapters.length === 0 && probe.reason) {
    advice.push(`WebGPU: ${probe.reason}.`)
  }
  if (software.length > 0) {
    const a = software[0]
    advice.push(
      `Only a software WebGPU adapter was found (${a.description || a.device}): right for tests, slower than wasm, so auto does not pick it; ` +
        "a GPU needs its vendor's Vulkan driver."
    )
  }
  return advice
}
