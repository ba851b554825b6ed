// A run stored before today's config bounds (say steps=1e12, which once passed
// the check) fails at start with the reason, instead of a trainer that refuses
// its start message silently until the heartbeat timeout.
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { storePaths } from '../../src/main/store/index.ts'
import { fakeLauncher, openService, tempHome, tinyConfig, waitForStatus } from './service-helpers.ts'

describe('a queued run whose stored config breaks the current bounds', () => {
  it('fails at once naming the key, and no trainer is started', async () => {
    const home = tempHome()
    const launcher = fakeLauncher()
    const service = openService({ homeDir: home, launcher })
    const { id } = await service.handlers['queue/add']({ config: tinyConfig() })
    const db = new Database(storePaths(home).file)
    db.prepare("UPDATE runs SET config = json_set(config, '$.steps', 1e12) WHERE id = ?").run(id)
    db.close()
    service.start()
    await waitForStatus(service, id, ['failed'], 10_000)
    const run = service.store.runs.require(id)
    expect(run.error).toMatch(/its stored config is not valid \(steps: .*<= 16777216\)/)
    expect(launcher.trainers).toHaveLength(0)
  })
})
