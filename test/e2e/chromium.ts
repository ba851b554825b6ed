// Debian's Chromium for the end-to-end tests, driven by playwright-core
// (which cannot download browsers here). Nothing is installed from here:
// .ci/run installs it; elsewhere the tests say what is missing.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Undefined when Chromium is there, else what is missing and how to get it. */
export function missingChromium(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined
  return `${CHROMIUM_PATH} not found: install Debian's chromium (apt-get install chromium, as .ci/run does) or set CHROMIUM_PATH to a Chromium binary`
}

export async function launchChromium(): Promise<Browser> {
  // Playwright gives every launch a fresh, empty profile of its own.
  return chromium.launch({
    headless: true,
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync'
    ]
  })
}
