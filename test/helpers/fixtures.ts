import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadFixture, type Fixture } from '../../src/main/conformance/fixture.ts'

export const FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures')

export function fixture(name: string): Fixture {
  return loadFixture(path.join(FIXTURES_DIR, `${name}.json`), FIXTURES_DIR)
}
