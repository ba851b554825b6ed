/// <reference lib="dom" />
// History's runs table in Chromium against `fixmatch-lab serve`: two tiny runs
// trained by the CLI, then a filter expression narrows the table, a header click
// reorders it, a config key added from the column chooser shows its value, and
// ticking both runs and Compare puts #/compare?runs=... in the address bar.
// Screenshot: test-artifacts/e2e/runs-table.png.
import { describe, expect, it } from 'vitest'
import { cli, newHome, skipStories, startServe, TINY_S_VS_O, useChromium } from './harness.ts'

describe.skipIf(skipStories)('runs table in Chromium', { timeout: 300_000 }, () => {
  const stories = useChromium()

  it('filters, sorts, adds a config column and opens the comparison of the ticked runs', async () => {
    const home = newHome()
    await cli(home, ['queue', 'add', ...TINY_S_VS_O])
    await expect(cli(home, ['worker'])).resolves.toMatch(/2 finished/)
    const page = stories.page
    await page.goto(await startServe(home))
    await page.getByTestId('nav-history').click()
    const rows = page.getByTestId('run-row')
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2)
    const variants = () => page.locator('[data-testid="run-row"] [data-testid="run-cell-variant"]').allTextContents()
    const ids = () => rows.evaluateAll((list) => list.map((row) => Number(row.getAttribute('data-run-id'))))

    // each row links to its run page
    const [newest, oldest] = await ids()
    expect(newest).toBeGreaterThan(oldest!)
    await expect(rows.first().getByTestId('run-link').getAttribute('href')).resolves.toBe(`#/runs/${newest}`)

    // sorting by variant reorders, both ways
    await page.getByTestId('sort-variant').click()
    await expect.poll(variants).toEqual(['O', 'S'])
    await page.getByTestId('sort-variant').click()
    await expect.poll(variants).toEqual(['S', 'O'])

    // a filter expression narrows the table; a bad one says why
    const expression = page.getByTestId('history-expression')
    await expression.fill('variant = O, mu = 2')
    await expect.poll(variants).toEqual(['O'])
    await expression.fill('top1 > lots')
    await expect(page.getByTestId('history-expression-error').textContent()).resolves.toMatch(/> compares numbers, and “lots” is not a number/)
    await expression.fill('')
    await expect.poll(() => rows.count()).toBe(2)

    // a config key added from the chooser shows the runs' value, and stays after a reload
    await page.getByTestId('column-chooser').locator('summary').click()
    await page.getByTestId('column-toggle-mu').check()
    await expect.poll(() => page.locator('[data-testid="run-cell-mu"]').allTextContents()).toEqual(['2', '2'])
    await page.reload()
    await expect.poll(() => page.locator('[data-testid="run-cell-mu"]').allTextContents(), { timeout: 30_000 }).toEqual(['2', '2'])

    // the final top-1 is there for both finished runs
    const top1 = await page.locator('[data-testid="run-row"] [data-testid="run-top1"]').allTextContents()
    expect(top1.every((text) => /^\d+\.\d\d$/.test(text))).toBe(true)

    // tick both: Compare puts their comparison in the address bar
    await rows.nth(0).getByTestId('compare-select').check()
    await rows.nth(1).getByTestId('compare-select').check()
    await stories.shot('runs-table')
    const order = await ids()
    await page.getByTestId('compare-selected').click()
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/compare?runs=${order.join(',')}`)
    // the address shows the comparison, and a reload keeps it
    await page.getByTestId('compare-view').getByTestId('compare-panel').waitFor()
    await page.reload()
    await page.getByTestId('compare-view').getByTestId('compare-panel').waitFor()
    await stories.shot('runs-table-compare')
  })
})
