// Appearance in Chromium: the page follows the system's colour scheme from one
// set of tokens, the header fits a 760 px window, and the keyboard shortcuts.
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { cli, newHome, skipStories, startServe, TINY_S_VS_O, useChromium } from './harness.ts'

/** Relative luminance (0 black .. 1 white) of a computed CSS colour "rgb(r, g, b)" or "rgba(...)". */
function luminance(css: string): number {
  const [r, g, b, alpha] = (/rgba?\(([^)]+)\)/.exec(css)?.[1] ?? '').split(',').map((c) => Number(c.trim()))
  // a transparent body shows whatever is behind it: not a colour of ours
  if (alpha === 0) throw new Error(`transparent: ${css}`)
  return relative(r! / 255, g! / 255, b! / 255)
}

function relative(r: number, g: number, b: number): number {
  const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

const bodyBackground = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor)

describe.skipIf(skipStories)('appearance in Chromium', { timeout: 300_000 }, () => {
  const stories = useChromium({ width: 760, height: 900 })

  it('follows a dark system scheme, and the header fits 760 px', async () => {
    const home = newHome()
    await cli(home, ['queue', 'add', ...TINY_S_VS_O])
    const page = stories.page
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.goto(`${await startServe(home)}#/queue`)
    await page.getByTestId('nav-queue').waitFor()
    await page.getByText('e2e S vs O').first().waitFor()
    const dark = await bodyBackground(page)
    expect(luminance(dark), dark).toBeLessThan(0.05)
    const text = await page.evaluate(() => getComputedStyle(document.body).color)
    expect(luminance(text), text).toBeGreaterThan(0.5)
    const header = await page.$eval('header', (el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))
    expect(header.scroll).toBeLessThanOrEqual(header.client)
    const nav = await page.$eval('nav', (el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))
    expect(nav.scroll).toBeLessThanOrEqual(nav.client)
    await stories.shot('appearance-dark-760')
    // the same page under a light scheme: the tokens switch with the system, no reload
    await page.emulateMedia({ colorScheme: 'light' })
    const light = await bodyBackground(page)
    expect(luminance(light), light).toBeGreaterThan(0.8)
  })

  it('keyboard: ? lists the shortcuts, a digit switches view, / focuses the search', async () => {
    const page = stories.page
    await page.goto(`${await startServe(newHome())}#/live`)
    await page.getByTestId('nav-live').waitFor()
    await page.keyboard.press('?')
    await page.getByTestId('shortcuts-help').waitFor()
    await stories.shot('shortcuts-help')
    await page.keyboard.press('Escape')
    await page.getByTestId('shortcuts-help').waitFor({ state: 'detached' })
    await page.keyboard.press('5')
    await page.getByTestId('history-search').waitFor()
    expect(await page.getByTestId('nav-history').getAttribute('aria-current')).toBe('page')
    await page.keyboard.press('1')
    await page.getByTestId('preset-picker').waitFor()
    await page.keyboard.press('/')
    await page.getByTestId('history-search').waitFor()
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('history-search')
    // typed into the search, the digits are text, not shortcuts
    await page.keyboard.type('12')
    expect(await page.getByTestId('history-search').inputValue()).toBe('12')
    expect(await page.getByTestId('nav-history').getAttribute('aria-current')).toBe('page')
  })
})
