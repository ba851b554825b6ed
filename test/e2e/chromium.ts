// Debian's Chromium for the end-to-end tests, driven by playwright-core
// (which cannot download browsers here). Installed with apt-get when missing
// and we are root on Debian, as on CI; otherwise the reason is returned.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Returns undefined when Chromium is there (installing it if we can), else why not. */
export function ensureChromium(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  const hasApt = spawnSync('which', ['apt-get']).status === 0
  if (!isRoot || !hasApt) return `${CHROMIUM_PATH} not found (install Debian's chromium, or set CHROMIUM_PATH)`
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', timeout: 300_000 })
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'ignore', timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  } catch (err) {
    return `apt-get install chromium failed: ${(err as Error).message}`
  }
  return existsSync(CHROMIUM_PATH) ? undefined : `${CHROMIUM_PATH} still missing after apt-get`
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
