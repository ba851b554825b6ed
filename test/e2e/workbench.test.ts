/// <reference lib="dom" />
// The workbench in a real browser: Chromium (playwright-core) against
// `fixmatch-lab serve`. Each story is a test of its own with its own home
// folder, its own serve and a fresh browser context: queue a tiny MNIST
// experiment from the editor, watch the live chart gain points, see runs
// finish and the table fill in, find trained runs in history after a reload
// and compare two, see a run fail for want of CIFAR-10. Data a story needs
// is made through the CLI (queue add, worker), not by an earlier story.
// Screenshots go to test-artifacts/e2e/.
import { describe, expect, it } from 'vitest'
import { cli, newHome, skipStories, startServe, TINY_S_VS_O, useChromium } from './harness.ts'

describe.skipIf(skipStories)('workbench in Chromium', { timeout: 300_000 }, () => {
  const stories = useChromium()
  const shot = (name: string) => stories.shot(name)

  it('a request without the token gets 401', async () => {
    const base = new URL(await startServe(newHome()))
    const res = await fetch(new URL('/api/runs/list', base), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(401)
  })

  it('offers the MNIST experiment on first start, and queues a tiny S vs O experiment from the editor', async () => {
    await stories.page.goto(await startServe(newHome()))
    await stories.page.getByTestId('first-run-offer').waitFor()
    await expect(stories.page.getByTestId('backend-info').textContent()).resolves.toMatch(/backend/)
    await shot('01-first-start')

    await stories.page.getByTestId('variant-U').uncheck()
    await stories.page.getByTestId('field-seed').fill('1')
    await stories.page.getByTestId('field-steps').fill('40')
    await stories.page.getByTestId('group-logging').locator('summary').click()
    await stories.page.getByTestId('field-evalEvery').fill('10')
    await stories.page.getByTestId('field-logEvery').fill('2')
    await stories.page.getByTestId('field-evalLimit').fill('200')
    // a bad value is explained inline and blocks queueing
    await stories.page.getByTestId('field-mu').fill('0')
    await expect(stories.page.getByTestId('field-error-mu').textContent()).resolves.toMatch(/mu: 0 is not allowed/)
    expect(await stories.page.getByTestId('queue-experiment').isDisabled()).toBe(true)
    await stories.page.getByTestId('field-mu').fill('2')
    await stories.page.getByTestId('experiment-name').fill('e2e S vs O')
    await expect(stories.page.getByTestId('run-count').textContent()).resolves.toMatch(/2/)
    await shot('02-editor')
    await stories.page.getByTestId('queue-experiment').click()
    // queueing takes the user to the live view of the new experiment
    await stories.page.locator('[data-testid="nav-live"][aria-current="page"]').waitFor()
  })

  it('the live chart gains points while the runs train', async () => {
    const home = newHome()
    const pageUrl = await startServe(home)
    await cli(home, ['queue', 'add', ...TINY_S_VS_O])
    await stories.page.goto(pageUrl)
    await stories.page.getByTestId('nav-live').click()
    const chart = stories.page.getByTestId('chart-loss')
    await chart.waitFor()
    await stories.page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points') ?? 0) > 0, undefined, {
      timeout: 120_000
    })
    const first = Number(await chart.getAttribute('data-points'))
    await stories.page.waitForFunction((n) => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points') ?? 0) > n, first, {
      timeout: 120_000
    })
    await shot('03-live')
  })

  it('both runs finish and the results table fills in', async () => {
    const home = newHome()
    // the page is open before any run starts, so the header must learn the backend live
    await stories.page.goto(await startServe(home))
    await stories.page.getByTestId('first-run-offer').waitFor()
    await cli(home, ['queue', 'add', ...TINY_S_VS_O])
    await stories.page.getByTestId('nav-history').click()
    await stories.page.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"][data-status="finished"]').length >= 2, undefined, {
      timeout: 240_000
    })
    await shot('04-history-finished')
    await stories.page.getByTestId('nav-results').click()
    const cell = stories.page.getByTestId('results-cell-top-1-O')
    await cell.waitFor()
    await expect(cell.textContent()).resolves.toMatch(/\d+\.\d/)
    await expect(stories.page.getByTestId('results-cell-top-1-S').textContent()).resolves.toMatch(/\d+\.\d/)
    // the header learned the backend when the first run started, without a reload
    await expect(stories.page.getByTestId('backend-info').textContent()).resolves.toMatch(/wasm/)
    await shot('05-results')
  })

  it('after a reload the runs are in history, and two runs compare', async () => {
    // two runs trained before serve starts: queued, then worked off by `worker`
    const home = newHome()
    await cli(home, ['queue', 'add', ...TINY_S_VS_O])
    await expect(cli(home, ['worker'])).resolves.toMatch(/2 finished/)
    await stories.page.goto(await startServe(home))
    await stories.page.reload()
    // the backend that trained is shown once a run has used it
    await expect.poll(() => stories.page.getByTestId('backend-info').textContent(), { timeout: 30_000 }).toMatch(/wasm/)
    await stories.page.getByTestId('nav-history').click()
    const rows = stories.page.getByTestId('run-row')
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2)
    await rows.nth(0).getByTestId('compare-select').check()
    await rows.nth(1).getByTestId('compare-select').check()
    const panel = stories.page.getByTestId('compare-panel')
    await panel.waitFor()
    await expect(panel.textContent()).resolves.toMatch(/variant/)
    await shot('06-history-compare')
  })

  it('warns in the editor about CIFAR-10 not being imported, and Live shows the run failed with how to get it', async () => {
    await stories.page.goto(await startServe(newHome()))
    await stories.page.getByTestId('nav-experiment').click()
    await stories.page.getByTestId('preset-picker').selectOption('cifar10-40')
    const warning = stories.page.getByTestId('dataset-missing')
    await warning.waitFor()
    await expect(warning.textContent()).resolves.toMatch(/fixmatch-lab data download cifar10/)
    await stories.page.getByTestId('variant-L').uncheck()
    await stories.page.getByTestId('variant-U').uncheck()
    await stories.page.getByTestId('field-seed').fill('1')
    await stories.page.getByTestId('experiment-name').fill('e2e CIFAR without data')
    await stories.page.getByTestId('queue-experiment').click()
    await stories.page.locator('[data-testid="nav-live"][aria-current="page"]').waitFor()
    const failure = stories.page.getByTestId('run-failed')
    await failure.waitFor({ timeout: 60_000 })
    await expect(failure.getByTestId('run-error').textContent()).resolves.toMatch(/CIFAR-10 is not in .*fixmatch-lab data download cifar10/s)
    await shot('07-live-failed')
  })
})
