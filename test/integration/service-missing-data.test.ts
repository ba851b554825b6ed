// A run on a dataset that is not imported, through the real trainer process:
// it fails at once with the message that says how to get the data (what the
// Live view shows), and app/info told beforehand that the dataset is missing
// (what the editor warns with).
import { describe, expect, it } from 'vitest'
import { openService, tempHome, tinyConfig, waitForStatus } from './service-helpers.ts'

describe('a dataset that is not imported', () => {
  it('app/info says so, and a run on it fails at once with how to get it', async () => {
    const home = tempHome()
    const service = openService({ homeDir: home })
    const info = await service.handlers['app/info'](undefined)
    const cifar10 = info.datasets.find((d) => d.name === 'cifar10')!
    expect(cifar10).toMatchObject({ installed: false, howToGet: expect.stringContaining('fixmatch-lab data download cifar10') })
    expect(info.datasets.find((d) => d.name === 'mnist')).toEqual({ name: 'mnist', installed: true })

    const run = await service.handlers['queue/add']({ config: tinyConfig({ dataset: 'cifar10', model: 'wrn-28-2' }) })
    service.start()
    expect(await waitForStatus(service, run.id, ['failed', 'finished', 'paused', 'interrupted'], 120_000)).toBe('failed')
    const failed = service.store.runs.get(run.id)!
    expect(failed.step).toBe(0)
    expect(failed.error).toContain(cifar10.howToGet!)
  }, 180_000)
})
