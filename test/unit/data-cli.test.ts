import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CliError } from '../../src/cli/args.ts'
import { dataCommand } from '../../src/cli/commands/data.ts'
import { cifar10Members, tempDir, writeTarGz } from './data-helpers.ts'

let work: string
beforeAll(async () => {
  work = await tempDir('data-cli')
  await writeTarGz(join(work, 'c10.tar.gz'), cifar10Members())
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

async function output(argv: string[]): Promise<string> {
  const lines: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line))
  const error = vi.spyOn(console, 'error').mockImplementation(() => {})
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  try {
    expect(await dataCommand(argv)).toBe(0)
  } finally {
    log.mockRestore()
    error.mockRestore()
    stderr.mockRestore()
  }
  return lines.join('\n')
}

describe('fixmatch-lab data', () => {
  it('lists, imports, then lists the import', async () => {
    const home = join(work, 'home')
    expect(await output(['list', '--home', home])).toMatch(/cifar10 +not imported: `fixmatch-lab data download cifar10`/)
    expect(await output(['import', join(work, 'c10.tar.gz'), '--home', home])).toMatch(/cifar10: 15 train \/ 5 test images imported/)
    expect(await output(['list', '--home', home])).toMatch(/cifar10 +imported: 15 train \/ 5 test, 10 classes/)
  })

  it('turns bad input into a CliError naming it', async () => {
    await expect(dataCommand(['download', 'cifar11'])).rejects.toThrow(CliError)
    await expect(dataCommand(['import', join(work, 'missing.tar.gz'), '--home', work])).rejects.toThrow(
      /missing\.tar\.gz: cannot read the archive \(no such file\)/
    )
    await expect(dataCommand(['import', 'x.tar.gz', '--md5', 'xyz'])).rejects.toThrow(/--md5 must be 32 hex digits/)
    await expect(dataCommand(['frobnicate'])).rejects.toThrow(/unknown action "frobnicate"/)
  })
})
