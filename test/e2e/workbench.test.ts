/// <reference lib="dom" />
// The workbench in a real browser: Chromium (playwright-core) against
// `fixmatch-lab serve` on a temporary home. Queue a tiny MNIST experiment,
// watch the live chart gain points, see the runs finish and the table fill
// in, reload and find them in history, compare two runs. Screenshots go to
// test-artifacts/e2e/.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { ensureChromium, launchChromium } from './chromium.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e')
const missingChromium = ensureChromium()
const missingBuild = existsSync(path.join(ROOT, 'out/renderer/index.html')) ? undefined : 'out/renderer is not built (npm run build)'
const skipReason = missingChromium ?? missingBuild
if (skipReason) console.warn(`end-to-end tests skipped: ${skipReason}`)

let server: ChildProcess
let pageUrl: string
let browser: Browser
let page: Page

async function startServe(home: string): Promise<string> {
  server = spawn(process.execPath, [path.join(ROOT, 'bin/fixmatch-lab.js'), 'serve', '--port', '0', '--home', home], { stdio: ['ignore', 'pipe', 'pipe'] })
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

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true })
}

describe.skipIf(skipReason)('workbench in Chromium', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    pageUrl = await startServe(mkdtempSync(path.join(os.tmpdir(), 'fml-e2e-')))
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  })

  afterAll(async () => {
    await browser?.close()
    server?.kill('SIGINT')
  })

  it('a request without the token gets 401', async () => {
    const base = new URL(pageUrl)
    const res = await fetch(new URL('/api/runs/list', base), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(401)
  })

  it('offers the MNIST experiment on first start, and queues a tiny S vs O experiment from the editor', async () => {
    await page.goto(pageUrl)
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
    await page.getByTestId('nav-live').click()
    const chart = page.getByTestId('chart-loss')
    await chart.waitFor()
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points') ?? 0) > 0, undefined, { timeout: 120_000 })
    const first = Number(await chart.getAttribute('data-points'))
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points') ?? 0) > n, first, { timeout: 120_000 })
    await shot('03-live')
  })

  it('both runs finish and the results table fills in', async () => {
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
