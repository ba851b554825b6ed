/// <reference lib="dom" />
// The run page in Chromium, reached the way links that last are used: the
// printed link opened once, then a deep link #/runs/N (N from the CLI)
// without the token, a reload, a second tab, and a restart of serve on the
// same home, which takes the same token, so the session cookie still lets
// the page in without a new link. Screenshots go to test-artifacts/e2e/.
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { cli, newHome, skipStories, startServe, stopServes, useChromium } from './harness.ts'

/** One tiny run queued without an experiment, with checkpoints along the way. */
const TINY_RUN = [
  'queue',
  'add',
  '--preset',
  'mnist-quick',
  ...['variant=O', 'seed=1', 'steps=40', 'evalEvery=10', 'logEvery=2', 'evalLimit=200', 'mu=2', 'checkpointEvery=20'].flatMap((kv) => ['--set', kv])
]

async function runPageShown(page: Page, runId: number): Promise<void> {
  await page.locator(`[data-testid="run-page"][data-run-id="${runId}"] [data-testid="run-title"]`).waitFor()
  await expect(page.getByTestId('run-title').textContent()).resolves.toBe(`Run #${runId}`)
  expect(await page.getByTestId('token-refused-banner').count()).toBe(0)
}

describe.skipIf(skipStories)('run page in Chromium', { timeout: 420_000 }, () => {
  const stories = useChromium()

  it('a deep link to a run keeps working after a reload, in a second tab and after serve restarts', async () => {
    const home = newHome()
    const pageUrl = new URL(await startServe(home))
    const token = pageUrl.searchParams.get('token')!
    const runId = Number(/queued run (\d+)/.exec(await cli(home, TINY_RUN))?.[1])
    expect(runId).toBeGreaterThan(0)

    // the printed link once: the page gets its session cookie and drops the token from the address
    const page = stories.page
    await page.goto(pageUrl.href)
    await page.getByTestId('backend-info').waitFor()
    const deepLink = `${pageUrl.origin}/#/runs/${runId}`
    await page.goto(deepLink)
    await runPageShown(page, runId)
    expect(page.url()).not.toContain(token)
    await page.locator('[data-testid="run-page"] [data-testid="status-badge"][data-status="finished"]').waitFor({ timeout: 300_000 })
    await expect(page.getByTestId('provenance-backend').textContent()).resolves.not.toMatch(/not started/)
    await expect(page.getByTestId('provenance-split-hash').textContent()).resolves.toMatch(/^[0-9a-f]{8,}$/)
    await page.locator('[data-testid="run-event"]', { hasText: 'finished at step 40' }).waitFor()
    await page.locator('[data-testid="checkpoint-row"][data-step="40"]').waitFor()
    // the diagnostics of the last evaluation: a 10 x 10 matrix over the 200 evaluated images, and sample images
    const matrix = page.getByTestId('diagnostics-confusion')
    await expect.poll(() => matrix.getAttribute('data-total'), { timeout: 30_000 }).toBe('200')
    expect(await matrix.locator('[data-testid^="confusion-"]').count()).toBe(100)
    await expect.poll(() => page.locator('[data-testid="diagnostics-unlabeled"] canvas').count()).toBeGreaterThan(0)
    await stories.shot('run-page-01-deep-link')

    // a reload keeps the place
    await page.reload()
    await runPageShown(page, runId)
    expect(new URL(page.url()).hash).toBe(`#/runs/${runId}`)

    // a second tab has no token of its own (sessionStorage is per tab): the cookie lets it in
    const second = await stories.context.newPage()
    await second.goto(deepLink)
    await runPageShown(second, runId)
    await second.locator('[data-testid="run-event"]', { hasText: 'finished at step 40' }).waitFor()
    await stories.shot('run-page-02-second-tab', second)

    // serve restarts on the same home and port: same token, so no new link is needed
    await stopServes()
    const restarted = new URL(await startServe(home, ['--port', pageUrl.port]))
    expect(restarted.origin).toBe(pageUrl.origin)
    expect(restarted.searchParams.get('token')).toBe(token)
    await second.reload()
    await runPageShown(second, runId)
    await second.locator('[data-testid="checkpoint-row"][data-step="40"]').waitFor()
    // and the links on the page lead on: Live lists the run (no experiment) with its final top-1
    await second.goto(`${pageUrl.origin}/#/live`)
    const row = second.locator(`[data-testid="live-loose-runs"] [data-testid="run-progress"][data-run-id="${runId}"]`)
    await row.waitFor()
    await expect(row.getByTestId('run-final-top1').textContent()).resolves.toMatch(/%$/)
    await stories.shot('run-page-03-after-restart-live', second)
    await row.getByTestId('run-link').click()
    await runPageShown(second, runId)
  })
})
