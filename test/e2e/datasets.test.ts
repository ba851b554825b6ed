// The Datasets view in Chromium: MNIST's images per class, the class balance
// of a config's split, the augmentation preview (weak, strong with its ops and
// Cutout box, SimCLR), a deep link from the editor's config, and the import of
// a CIFAR archive from the page (by path and as a picked file). Screenshots in test-artifacts/e2e/.
import { copyFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CIFAR10_NAMES, cifar10Members, writeTarGz } from '../unit/data-helpers.ts'
import { newHome, skipStories, startServe, useChromium } from './harness.ts'

describe.skipIf(skipStories)('datasets in Chromium', { timeout: 300_000 }, () => {
  const stories = useChromium()

  it('shows MNIST per class, the labeled split of a config and what the augmentations of a step do', async () => {
    const page = stories.page
    await page.goto(await startServe(newHome()))
    await page.getByTestId('nav-datasets').click()
    await page.locator('[data-testid="nav-datasets"][aria-current="page"]').waitFor()
    await expect(page.getByTestId('dataset-mnist').textContent()).resolves.toMatch(/embedded/)
    await expect(page.getByTestId('dataset-cifar10').textContent()).resolves.toMatch(/not imported/)

    // ten digit classes, eight images each
    const classes = page.locator('[data-testid^="class-images-"]')
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="class-images-"]').length === 10)
    expect(await classes.count()).toBe(10)
    expect(await classes.first().locator('canvas').count()).toBe(8)

    // 3 labels per class: every class holds 3 of the 30 labeled images
    await page.getByTestId('datasets-labels').fill('3')
    await page.waitForFunction(() => /^30 labeled/.test((document.querySelector('[data-testid="balance-about"]')?.textContent ?? '').trim()))
    const labeled = await page.getByTestId('balance-labeled').allTextContents()
    expect(labeled.map(Number)).toEqual(new Array(10).fill(3))

    // step 5 of a seed-3 run: weak, strong with its two RandAugment ops and the Cutout box, two SimCLR views
    await page.getByTestId('datasets-seed').fill('3')
    await page.getByTestId('datasets-step').fill('5')
    await page.waitForFunction(() =>
      /^Step 5 of a run of variant O with seed 3 /.test((document.querySelector('[data-testid="augment-about"]')?.textContent ?? '').trim())
    )
    const item = page.getByTestId('augment-item-0')
    await expect(item.getByTestId('augment-weak').locator('canvas').count()).resolves.toBe(1)
    await expect(item.getByTestId('augment-strong').locator('canvas').count()).resolves.toBe(1)
    await expect(item.getByTestId('augment-simclr').count()).resolves.toBe(2)
    const ops = await item.getByTestId('augment-ops').locator('li').allTextContents()
    expect(ops).toHaveLength(3)
    for (const line of ops.slice(0, 2))
      expect(line).toMatch(
        /^(AutoContrast|Brightness|Color|Contrast|Equalize|Identity|Posterize|Rotate|Sharpness|ShearX|ShearY|Solarize|TranslateX|TranslateY) level \d/
      )
    expect(ops[2]).toMatch(/^Cutout \(\d+, \d+\) to \(\d+, \d+\)/)
    await item.getByTestId('augment-cutout').waitFor()
    await expect(page.getByTestId('simclr-unused').isVisible()).resolves.toBe(true)
    await stories.shot('datasets-mnist-preview')

    // the editor's config opens here in the address: 2 labels per class, and a reload keeps it
    await page.getByTestId('nav-experiment').click()
    await page.getByTestId('field-labelsPerClass').fill('2')
    await page.getByTestId('preview-augmentations').click()
    await page.locator('[data-testid="nav-datasets"][aria-current="page"]').waitFor()
    expect(decodeURIComponent(new URL(page.url()).hash)).toMatch(/^#\/datasets\?.*"labelsPerClass":2/)
    await page.reload()
    await page.waitForFunction(() => /^20 labeled/.test((document.querySelector('[data-testid="balance-about"]')?.textContent ?? '').trim()))
    await expect(page.getByTestId('datasets-labels').inputValue()).resolves.toBe('2')
  })

  it('imports a CIFAR archive from the page and shows its classes', async () => {
    const home = newHome()
    const archive = path.join(home, 'cifar-10-binary.tar.gz')
    await writeTarGz(archive, cifar10Members())
    const page = stories.page
    await page.goto(await startServe(home))
    await page.getByTestId('nav-datasets').click()
    await page.getByTestId('import-path').fill(path.join(home, 'missing.tar.gz'))
    await page.getByTestId('import-button').click()
    await expect(page.getByTestId('error').first().textContent()).resolves.toMatch(/missing\.tar\.gz/)

    await page.getByTestId('import-path').fill(archive)
    await page.getByTestId('import-button').click()
    await expect(page.getByTestId('import-done').textContent()).resolves.toMatch(/cifar10: 15 train \/ 5 test images imported/)
    await expect(page.getByTestId('dataset-cifar10').textContent()).resolves.toMatch(/imported/)
    // a file picked in the page (a browser gives no path): sent in pieces, then imported again
    const picked = path.join(home, 'picked-cifar-10.tar.gz')
    await copyFile(archive, picked)
    await page.getByTestId('import-file').setInputFiles(picked)
    await page.waitForFunction(() => /imported from picked-cifar-10\.tar\.gz/.test(document.querySelector('[data-testid="import-done"]')?.textContent ?? ''))
    await page.getByTestId('datasets-dataset').selectOption('cifar10')
    await page.getByTestId(`class-images-${CIFAR10_NAMES[9]}`).waitFor()
    await stories.shot('datasets-cifar-imported')
  })
})
