// The experiment editor in Chromium: hints name the preset's values, a preset
// switch over edits asks first, and the time estimate comes from the runs that
// finished in this home.
import { describe, expect, it } from 'vitest'
import { cli, newHome, skipStories, startServe, TINY_S_VS_O, useChromium } from './harness.ts'

describe.skipIf(skipStories)('experiment editor in Chromium', { timeout: 300_000 }, () => {
  const stories = useChromium()

  it('hints show the preset, a switch over edits asks, and the estimate uses the finished runs', async () => {
    // two tiny runs (S, O of mnist-quick at 40 steps) trained before serve starts
    const home = newHome()
    await cli(home, ['queue', 'add', ...TINY_S_VS_O])
    await expect(cli(home, ['worker'])).resolves.toMatch(/2 finished/)
    const page = stories.page
    await page.goto(`${await startServe(home)}#/experiment`)
    await page.getByTestId('preset-picker').selectOption('mnist-quick')
    await expect(page.getByTestId('hint-steps').textContent()).resolves.toContain('mnist-quick: 600')

    // mnist-quick's S, O and U x 3 seeds: S and O measured, U borrows their speed
    const estimate = page.getByTestId('experiment-estimate')
    await estimate.waitFor()
    await expect(estimate.textContent()).resolves.toMatch(/^About \S.* for 9 runs on \d+ slots?, from finished runs/)
    await expect(estimate.textContent()).resolves.toMatch(/U [\d.]+ s\/step \(from another variant\)/)

    // an edit, then another preset: asked first; Keep leaves the edit
    await page.getByTestId('field-lambdaU').fill('3')
    await page.getByTestId('field-threshold').fill('2')
    // the diff keeps the valid edit while threshold is invalid
    await page.getByTestId('diff-row-lambdaU').waitFor()
    await page.getByTestId('preset-picker').selectOption('cifar10-40')
    await page.getByTestId('confirm-dialog').waitFor()
    await stories.shot('editor-preset-switch')
    await page.getByTestId('confirm-cancel').click()
    await expect(page.getByTestId('field-lambdaU').inputValue()).resolves.toBe('3')
    await expect(page.getByTestId('preset-picker').inputValue()).resolves.toBe('mnist-quick')
    await page.getByTestId('preset-picker').selectOption('cifar10-40')
    await page.getByTestId('confirm-ok').click()
    await expect(page.getByTestId('field-lambdaU').inputValue()).resolves.toBe('1')
    await expect(page.getByTestId('hint-model').textContent()).resolves.toContain('cifar10-40: wrn-28-2')
  })
})
