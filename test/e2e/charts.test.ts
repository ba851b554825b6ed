/// <reference lib="dom" />
// Charts and comparison in a real browser: Live's metric picker, x axes, zoom,
// PNG download and grouping by variant, and History's comparison grouped. The
// two runs (S, seeds 1 and 2: a variant with a spread) are trained once by the
// CLI (`queue add`, `worker`) into a template home that each story copies.
import { cpSync, readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { cli, newHome, skipStories, startServe, useChromium } from './harness.ts'

const TINY_S_TWO_SEEDS = [
  ...['--preset', 'mnist-quick', '--variants', 'S', '--seeds', '1,2', '--name', 'e2e S seeds'],
  ...['steps=40', 'evalEvery=10', 'logEvery=2', 'evalLimit=200', 'mu=2'].flatMap((kv) => ['--set', kv])
]
// logEvery 2 over 40 steps, evalEvery 10: points per run
const TRAINING_POINTS = 20
const EVALUATIONS = 4

const attribute = (page: Page, testid: string, name: string) => page.getByTestId(testid).first().getAttribute(name)
const count = async (page: Page, testid: string, name: string) => Number(await attribute(page, testid, name))

describe.skipIf(skipStories)('charts and comparison in Chromium', { timeout: 300_000 }, () => {
  const stories = useChromium()
  let template = ''
  // an exception in the page (e.g. in the tooltip's hover mode) fails the story
  let pageErrors: Error[] = []

  beforeAll(async () => {
    template = newHome()
    await cli(template, ['queue', 'add', ...TINY_S_TWO_SEEDS])
    await expect(cli(template, ['worker'])).resolves.toMatch(/2 finished/)
  }, 280_000)

  async function openCopy(): Promise<Page> {
    const home = newHome()
    cpSync(template, home, { recursive: true })
    pageErrors = []
    stories.page.on('pageerror', (error) => pageErrors.push(error))
    await stories.page.goto(await startServe(home))
    return stories.page
  }

  it('Live: the picker charts another metric, the x axis switches, zoom resets, PNG downloads, grouping shows a band', async () => {
    const page = await openCopy()
    await expect.poll(() => count(page, 'chart-loss', 'data-points'), { timeout: 60_000 }).toBe(2 * TRAINING_POINTS)
    await expect.poll(() => count(page, 'chart-top1', 'data-points'), { timeout: 30_000 }).toBe(2 * EVALUATIONS)

    // the loss panel now shows the learning rate, loaded on demand
    const picker = page.getByTestId('metric-chart-loss')
    await expect(picker.locator('option').allTextContents()).resolves.toEqual(
      expect.arrayContaining(['Learning rate', 'Data-wait share of a step', 'Evaluation loss', 'Top-5 accuracy (EMA model)'])
    )
    await picker.selectOption('lr')
    await expect.poll(() => count(page, 'chart-loss', 'data-points')).toBe(2 * TRAINING_POINTS)
    await expect(picker.inputValue()).resolves.toBe('lr')
    await stories.shot('charts-01-live-picker-lr')

    // every point has its wall time: relative and wall-clock axes keep all of them
    await page.getByTestId('x-axis').selectOption('relative')
    await expect.poll(() => count(page, 'chart-top1', 'data-points')).toBe(2 * EVALUATIONS)
    await page.getByTestId('x-axis').selectOption('wall')
    await expect.poll(() => count(page, 'chart-top1', 'data-points')).toBe(2 * EVALUATIONS)
    await page.getByTestId('x-axis').selectOption('step')

    // hovering lists both runs at the step (screenshot); then drag a box over the chart to zoom into it, and reset
    const box = (await page.getByTestId('chart-top1').locator('canvas').boundingBox())!
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.5, { steps: 4 })
    await stories.shot('charts-01b-live-tooltip')
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.7, { steps: 8 })
    await page.mouse.up()
    await expect.poll(() => attribute(page, 'chart-top1', 'data-zoomed')).toBe('true')
    await stories.shot('charts-02-live-zoomed')
    await page.getByTestId('reset-zoom-chart-top1').click()
    await expect.poll(() => attribute(page, 'chart-top1', 'data-zoomed')).toBe('false')

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('png-chart-top1').click()])
    expect(download.suggestedFilename()).toBe('top-1-accuracy-ema-model.png')
    const png = readFileSync((await download.path())!)
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(png.length).toBeGreaterThan(5_000)

    // two seeds of S: one mean line and one band
    expect([await attribute(page, 'chart-top1', 'data-lines'), await attribute(page, 'chart-top1', 'data-bands')]).toEqual(['2', '0'])
    await page.getByTestId('group-by-variant').check()
    await expect.poll(() => attribute(page, 'chart-top1', 'data-bands')).toBe('1')
    await expect(attribute(page, 'chart-top1', 'data-lines')).resolves.toBe('1')
    await page.getByTestId('group-band').selectOption('std')
    await expect(attribute(page, 'chart-top1', 'data-bands')).resolves.toBe('1')
    await stories.shot('charts-03-live-grouped')
    expect(pageErrors).toEqual([])
  })

  it('History: two ticked runs compare, grouped into a band, with any metric picked', async () => {
    const page = await openCopy()
    await page.getByTestId('nav-history').click()
    const rows = page.getByTestId('run-row')
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2)
    await rows.nth(0).getByTestId('compare-select').check()
    await rows.nth(1).getByTestId('compare-select').check()
    const panel = page.getByTestId('compare-panel')
    await panel.waitFor()
    await expect(panel.getAttribute('data-runs')).resolves.toBe('2')
    await expect(panel.getByTestId('diff-row-seed').textContent()).resolves.toMatch(/seed\s*[12]\s*[12]/)
    await expect.poll(() => count(page, 'compare-chart-top1', 'data-points'), { timeout: 30_000 }).toBe(2 * EVALUATIONS)

    await panel.getByTestId('metric-compare-chart-loss').selectOption('eval/loss')
    await expect.poll(() => count(page, 'compare-chart-loss', 'data-points')).toBe(2 * EVALUATIONS)
    await panel.getByTestId('group-by-variant').check()
    await expect.poll(() => attribute(page, 'compare-chart-top1', 'data-bands')).toBe('1')
    await expect(attribute(page, 'compare-chart-loss', 'data-lines')).resolves.toBe('1')
    await stories.shot('charts-04-history-compare-grouped')
    expect(pageErrors).toEqual([])
  })
})
