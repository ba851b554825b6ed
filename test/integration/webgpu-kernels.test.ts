// Kernels that tfjs-backend-webgpu gets wrong on a device with few storage
// buffers per shader, as we patch them (src/main/trainer/kernels/webgpu-add-n.ts).
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../../src/main/trainer/backend.ts'
import { webGpuSession } from '../../src/main/trainer/webgpu.ts'
import { webGpuAvailability } from '../helpers/webgpu.ts'

const gpu = await webGpuAvailability()

describe.skipIf(!gpu.available)('webgpu kernels', () => {
  beforeAll(async () => {
    await initBackend('webgpu')
  })

  it('addN over more inputs than the device binds in one shader sums them all, leaving no intermediate behind', async () => {
    const limit = webGpuSession()!.device.limits.maxStorageBuffersPerShaderStage
    const count = 5 * limit + 3
    const inputs = Array.from({ length: count }, (_, i) => tf.fill([7], i + 1))
    const before = tf.memory()
    const sum = tf.addN(inputs)
    const values = Array.from(await sum.data())
    expect(values).toEqual(Array(7).fill((count * (count + 1)) / 2))
    expect(webGpuSession()!.fault()).toBeUndefined()
    // the result only: chunk sums are freed
    expect(tf.memory().numTensors).toBe(before.numTensors + 1)
    expect(tf.memory().numBytes).toBe(before.numBytes + 7 * 4)
    tf.dispose([sum, ...inputs])
  })
})
