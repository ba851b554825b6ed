/// <reference lib="dom" />
// The workbench in a real browser: Chromium (playwright-core) against
// `fixmatch-lab serve`. Each story is a test of its own with its own home
// folder, its own serve and a fresh browser context: queue a tiny MNIST
// experiment from the editor, watch the live chart gain points, see runs
// finish and the table fill in, find trained runs in history after a reload
// and compare two, see a run fail for want of CIFAR-10. Data a story needs
// is made through the CLI (queue add, worker), not by an earlier story.
// Screenshots go to test-artifacts/e2e/.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchChromium, missingChromium } from './chromium.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const BIN = path.join(ROOT, 'bin/fixmatch-lab.js')
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e')
const missingBuild = existsSync(path.join(ROOT, 'out/renderer/index.html')) ? undefined : 'out/renderer is not built (npm run build)'
const missing = missingChromium() ?? missingBuild
// In CI the stories must run: a missing browser or build fails them instead of skipping them.
const required = Boolean(process.env.CI)
if (missing && !required) console.warn(`end-to-end tests skipped: ${missing}`)

/** The tiny S vs O experiment the editor story queues, as CLI arguments. */
const TINY_S_VS_O = [
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
let browser: Browser
let context: BrowserContext
let page: Page
let servers: ChildProcess[] = []

const newHome = () => mkdtempSync(path.join(os.tmpdir(), 'fml-e2e-'))

/** The CLI on a home folder (through a running serve's API when one serves it): what it printed on both streams. */
async function cli(home: string, args: string[]): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, [BIN, ...args, '--home', home], { timeout: 240_000 })
  return stdout + stderr
}

/** `fixmatch-lab serve` on `home`; resolves with the page URL it prints (token included). */
async function startServe(home: string): Promise<string> {
  const server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--home', home], { stdio: ['ignore', 'pipe', 'pipe'] })
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
async function stopServe(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()))
  server.kill('SIGINT')
  const timer = setTimeout(() => server.kill('SIGKILL'), 30_000)
  await exited
  clearTimeout(timer)
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true })
}

describe.skipIf(missing && !required)('workbench in Chromium', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    if (missing) throw new Error(`end-to-end tests cannot run: ${missing}`)
    mkdirSync(ARTIFACTS, { recursive: true })
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
  })

  beforeEach(async () => {
    // a context of its own per story: no cookies, storage or page state carried over
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    page = await context.newPage()
  })

  afterEach(async () => {
    await context?.close()
    await Promise.all(servers.map(stopServe))
    servers = []
  })

  it('a request without the token gets 401', async () => {
    const base = new URL(await startServe(newHome()))
    const res = await fetch(new URL('/api/runs/list', base), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(401)
  })

  it('offers the MNIST experiment on first start, and queues a tiny S vs O experiment from the editor', async () => {
    await page.goto(await startServe(newHome()))
    await page.getByTestId('first-run-offer').waitFor()
    await expect(page.getByTestId('backend-info').textContent()).resolves.toMatch(/backend/)
    await shot('01-first-start')

    await page.getByTestId('variant-U').uncheck()
    await page.getByTestId('field-seed').fill('1')
    await page.getByTestId('field-steps').fill('40')
    await page.getByTestId('group-logging').locator('summary').click()
    await page.getByTestId('field-evalEvery').fill('10')
    await page.getByTestId('field-logEvery').fill('2')
    await page.getByTestId('field-evalLimit').fill('200')
    // a bad value is explained inline and blocks queueing
    await page.getByTestId('field-mu').fill('0')
    await expect(page.getByTestId('field-error-mu').textContent()).resolves.toMatch(/mu: 0 is not allowed/)
    expect(await page.getByTestId('queue-experiment').isDisabled()).toBe(true)
    await page.getByTestId('field-mu').fill('2')
    await page.getByTestId('experiment-name').fill('e2e S vs O')
    await expect(page.getByTestId('run-count').textContent()).resolves.toMatch(/2/)
    await shot('02-editor')
    await page.getByTestId('queue-experiment').click()
    // queueing takes the user to the live view of the new experiment
    await page.locator('[data-testid="nav-live"][aria-current="page"]').waitFor()
  })

  it('the live chart gains points while the runs train', async () => {
    const home = newHome()
    const pageUrl = await startServe(home)
    await cli(home, ['queue', 'add', ...TINY_S_VS_O])
    await page.goto(pageUrl)
    await page.getByTestId('nav-live').click()
    const chart = page.getByTestId('chart-loss')
    await chart.waitFor()
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points') ?? 0) > 0, undefined, {
      timeout: 120_000
    })
    const first = Number(await chart.getAttribute('data-points'))
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points') ?? 0) > n, first, {
      timeout: 120_000
    })
    await shot('03-live')
  })

  it('both runs finish and the results table fills in', async () => {
    const home = newHome()
    // the page is open before any run starts, so the header must learn the backend live
    await page.goto(await startServe(home))
    await page.getByTestId('first-run-offer').waitFor()
    await cli(home, ['queue', 'add', ...TINY_S_VS_O])
    await page.getByTestId('nav-history').click()
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"][data-status="finished"]').length >= 2, undefined, { timeout: 240_000 })
    await shot('04-history-finished')
    await page.getByTestId('nav-results').click()
    const cell = page.getByTestId('results-cell-top-1-O')
    await cell.waitFor()
    await expect(cell.textContent()).resolves.toMatch(/\d+\.\d/)
    await expect(page.getByTestId('results-cell-top-1-S').textContent()).resolves.toMatch(/\d+\.\d/)
    // the header learned the backend when the first run started, without a reload
    await expect(page.getByTestId('backend-info').textContent()).resolves.toMatch(/wasm/)
    await shot('05-results')
  })

  it('after a reload the runs are in history, and two runs compare', async () => {
    // two runs trained before serve starts: queued, then worked off by `worker`
    const home = newHome()
    await cli(home, ['queue', 'add', ...TINY_S_VS_O])
    await expect(cli(home, ['worker'])).resolves.toMatch(/2 finished/)
    await page.goto(await startServe(home))
    await page.reload()
    // the backend that trained is shown once a run has used it
    await expect.poll(() => page.getByTestId('backend-info').textContent(), { timeout: 30_000 }).toMatch(/wasm/)
    await page.getByTestId('nav-history').click()
    const rows = page.getByTestId('run-row')
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2)
    await rows.nth(0).getByTestId('compare-select').check()
    await rows.nth(1).getByTestId('compare-select').check()
    const panel = page.getByTestId('compare-panel')
    await panel.waitFor()
    await expect(panel.textContent()).resolves.toMatch(/variant/)
    await shot('06-history-compare')
  })

  it('warns in the editor about CIFAR-10 not being imported, and Live shows the run failed with how to get it', async () => {
    await page.goto(await startServe(newHome()))
    await page.getByTestId('nav-experiment').click()
    await page.getByTestId('preset-picker').selectOption('cifar10-40')
    const warning = page.getByTestId('dataset-missing')
    await warning.waitFor()
    await expect(warning.textContent()).resolves.toMatch(/fixmatch-lab data download cifar10/)
    await page.getByTestId('variant-L').uncheck()
    await page.getByTestId('variant-U').uncheck()
    await page.getByTestId('field-seed').fill('1')
    await page.getByTestId('experiment-name').fill('e2e CIFAR without data')
    await page.getByTestId('queue-experiment').click()
    await page.locator('[data-testid="nav-live"][aria-current="page"]').waitFor()
    const failure = page.getByTestId('run-failed')
    await failure.waitFor({ timeout: 60_000 })
    await expect(failure.getByTestId('run-error').textContent()).resolves.toMatch(/CIFAR-10 is not in .*fixmatch-lab data download cifar10/s)
    await shot('07-live-failed')
  })
})
