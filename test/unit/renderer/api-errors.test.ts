import { describe, expect, it, vi } from 'vitest'
import { BridgeLabClient } from '../../../src/renderer/src/api/bridge-client.ts'
import type { PortBridge } from '../../../src/shared/bridge.ts'
import { createLabClient } from '../../../src/renderer/src/api/client.ts'
import { ApiError, toApiError } from '../../../src/renderer/src/api/errors.ts'

describe('toApiError', () => {
  it('keeps the field of an error shape and finds a config field in a message', () => {
    expect(toApiError({ message: 'run 9 does not exist', field: 'runId' })).toMatchObject({ message: 'run 9 does not exist', field: 'runId' })
    expect(toApiError(new Error('threshold: 2 is not allowed; expected a number >= 0 and <= 1'))).toMatchObject({ field: 'threshold' })
    expect(toApiError({ message: 'queue is busy' }).message).toBe('queue is busy')
    expect(toApiError('plain text').message).toBe('plain text')
  })

  it('does not invent a field from a word that is not a config key', () => {
    expect(toApiError(new Error('Error: something broke')).field).toBeUndefined()
    expect(toApiError(new Error('Database: locked')).field).toBeUndefined()
  })
})

describe('BridgeLabClient', () => {
  it('calls the preload method named as the command: ok:true gives the result, ok:false its ApiError with the field', async () => {
    const list = vi.fn(async () => ({ ok: true, result: [{ id: 4 }] }))
    // the field comes as data: the message alone would not name it
    const create = vi.fn(async () => ({ ok: false, error: { message: 'a label count of 0 is not allowed', field: 'labelsPerClass' } }))
    const bridge = { 'runs/list': list, 'experiments/create': create, on: vi.fn(() => () => {}) } as unknown as PortBridge
    const client = new BridgeLabClient(bridge)
    expect(await client.call('runs/list', { limit: 2 })).toEqual([{ id: 4 }])
    expect(list).toHaveBeenCalledWith({ limit: 2 })
    const error = await client.call('experiments/create', { name: 'x', config: {}, variants: ['O'], seeds: [1] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).message).toBe('a label count of 0 is not allowed')
    expect((error as ApiError).field).toBe('labelsPerClass')
    await expect(client.call('queue/list', undefined)).rejects.toThrow(/does not offer "queue\/list"/)
  })

  it('createLabClient prefers window.fixmatchLab when the preload put one there', () => {
    const bridge = { on: () => () => {} }
    const lab = createLabClient({ fixmatchLab: bridge } as unknown as Window)
    expect(lab.mode).toBe('electron')
    expect(lab.connection.state).toBe('open')
    // a preload without `on` still gives a working client, without live events
    const old = createLabClient({ fixmatchLab: { 'runs/list': async () => [] } } as unknown as Window)
    expect(old.mode).toBe('electron')
    expect(typeof old.client.on('log', () => {})).toBe('function')
  })

  it('names a config field only for real config keys, not Object.prototype members', () => {
    expect(toApiError(new Error('lr: 0 is not allowed')).field).toBe('lr')
    expect(toApiError(new Error('toString: unknown config key')).field).toBeUndefined()
    expect(toApiError(new Error('constructor: unknown config key')).field).toBeUndefined()
  })
})
