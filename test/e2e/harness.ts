/// <reference lib="dom" />
// What every end-to-end story file shares: the CLI and `serve` on a fresh
// home folder, one Chromium per file, a fresh context (no cookies, storage or
// page state) per story, and screenshots in test-artifacts/e2e/.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchChromium, missingChromium } from './chromium.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const BIN = path.join(ROOT, 'bin/fixmatch-lab.js')
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e')
const missingBuild = existsSync(path.join(ROOT, 'out/renderer/index.html')) ? undefined : 'out/renderer is not built (npm run build)'
/** Why the stories cannot run here, or undefined. */
export const missing = missingChromium() ?? missingBuild
// In CI the stories must run: a missing browser or build fails them instead of skipping them.
const required = Boolean(process.env.CI)
/** For describe.skipIf: skip only outside CI. */
export const skipStories = Boolean(missing) && !required
if (skipStories) console.warn(`end-to-end tests skipped: ${missing}`)

/** A tiny S vs O experiment, as `queue add` arguments. */
export const TINY_S_VS_O = [
  '--preset',
  'mnist-quick',
  '--variants',
  'S,O',
  '--seeds',
  '1',
  '--name',
  'e2e S vs O',
  ...['steps=40', 'evalEvery=10', 'logEvery=2', 'evalLimit=200', 'mu=2'].flatMap((kv) => ['--set', kv])
]

const run = promisify(execFile)
let servers: ChildProcess[] = []

export const newHome = (): string => mkdtempSync(path.join(os.tmpdir(), 'fml-e2e-'))

/** The CLI on a home folder (through a running serve's API when one serves it): what it printed on both streams. */
export async function cli(home: string, args: string[]): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, [BIN, ...args, '--home', home], { timeout: 240_000 })
  return stdout + stderr
}

/** `fixmatch-lab serve` on `home` (stopped after the story); resolves with the page URL it prints (token included). */
export async function startServe(home: string, extraArgs: string[] = []): Promise<string> {
  const server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--home', home, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] })
  servers.push(server)
  let log = ''
  server.stderr!.on('data', (chunk) => (log += chunk))
  return new Promise((resolve, reject) => {
    let out = ''
    server.stdout!.on('data', (chunk) => {
      out += chunk
      const url = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out)?.[1]
      if (url) resolve(url)
    })
    server.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}\n${log}`)))
  })
}

/** Ctrl-C, as a user stops serve (a running run pauses with a checkpoint); killed if it lingers. */
export async function stopServe(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()))
  server.kill('SIGINT')
  const timer = setTimeout(() => server.kill('SIGKILL'), 30_000)
  await exited
  clearTimeout(timer)
}

/** Stops every serve started so far (each story's are stopped after it anyway). */
export async function stopServes(): Promise<void> {
  await Promise.all(servers.map(stopServe))
  servers = []
}

export interface Stories {
  /** the current story's page */
  readonly page: Page
  readonly context: BrowserContext
  readonly browser: Browser
  /** a full-page screenshot of the current page (or another tab of the story), test-artifacts/e2e/<name>.png */
  shot(name: string, of?: Page): Promise<void>
}

/** Registers the hooks of a story file (call inside its describe) and gives its page. */
export function useChromium(viewport = { width: 1280, height: 900 }): Stories {
  let browser: Browser | undefined
  let context: BrowserContext | undefined
  let page: Page | undefined
  beforeAll(async () => {
    if (missing) throw new Error(`end-to-end tests cannot run: ${missing}`)
    mkdirSync(ARTIFACTS, { recursive: true })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })
  beforeEach(async () => {
    context = await browser!.newContext({ viewport })
    page = await context.newPage()
  })
  afterEach(async () => {
    await context?.close()
    await stopServes()
  })
  return {
    get page() {
      return page!
    },
    get context() {
      return context!
    },
    get browser() {
      return browser!
    },
    async shot(name: string, of?: Page) {
      await (of ?? page!).screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true })
    }
  }
}
