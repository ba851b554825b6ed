// The renderer's CSP forbids eval: the shared schemas the page builds and
// parses (the config editor's checks) must never reach for `new Function`.
import { afterEach, describe, expect, it } from 'vitest'

const original = globalThis.Function
afterEach(() => {
  globalThis.Function = original
})

describe('zod in the renderer', () => {
  it('builds and parses the shared schemas without eval once the page entry configured it', async () => {
    const evals: string[][] = []
    globalThis.Function = new Proxy(original, {
      construct(target, args: string[]) {
        evals.push(args)
        return Reflect.construct(target, args) as object
      }
    })
    await import('../../../src/renderer/src/zod-jitless.ts')
    const { resolveConfig } = await import('../../../src/shared/config.ts')
    const { COMMANDS } = await import('../../../src/shared/api.ts')
    expect(resolveConfig({ lr: 0.1, variant: 'U' }).lr).toBe(0.1)
    expect(COMMANDS['runs/get'].request.safeParse({ runId: 1 }).success).toBe(true)
    expect(evals).toEqual([])
  })
})
