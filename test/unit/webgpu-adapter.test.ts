// How an adapter Dawn reports is described: software or hardware (auto skips
// software ones), the driver out of the description, the limits that matter.
import { describe, expect, it } from 'vitest'
import { describeAdapter } from '../../src/main/trainer/webgpu.ts'

const LIMITS = {
  maxBufferSize: 4294967295,
  maxStorageBufferBindingSize: 134217728,
  maxStorageBuffersPerShaderStage: 16,
  maxComputeWorkgroupStorageSize: 32768,
  maxComputeInvocationsPerWorkgroup: 1024,
  maxComputeWorkgroupsPerDimension: 65535,
  maxTextureDimension2D: 16384
}

function fakeAdapter(info: Record<string, unknown>): GPUAdapter {
  return { info, limits: LIMITS } as unknown as GPUAdapter
}

describe('describeAdapter', () => {
  it('marks lavapipe as software (Dawn flags it a fallback adapter) and reads the Mesa driver', () => {
    const a = describeAdapter(
      fakeAdapter({
        vendor: 'mesa',
        architecture: 'software',
        device: 'llvmpipe-llvm-15',
        description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1',
        isFallbackAdapter: true
      })
    )
    expect(a.software).toBe(true)
    expect(a.driver).toBe('Mesa 25.0.7-2~bpo12+1')
    expect(a.limits).toEqual({
      maxBufferSize: 4294967295,
      maxStorageBufferBindingSize: 134217728,
      maxStorageBuffersPerShaderStage: 16,
      maxComputeWorkgroupStorageSize: 32768,
      maxComputeInvocationsPerWorkgroup: 1024,
      maxComputeWorkgroupsPerDimension: 65535
    })
  })

  it('marks SwiftShader as software even where the fallback flag is missing', () => {
    expect(
      describeAdapter(fakeAdapter({ vendor: 'google', architecture: '', device: 'swiftshader-device', description: 'SwiftShader Device (Subzero)' })).software
    ).toBe(true)
  })

  it('takes an NVIDIA card for hardware, with its driver version', () => {
    const a = describeAdapter(
      fakeAdapter({ vendor: 'nvidia', architecture: 'hopper', device: '0x2335', description: 'NVIDIA H200: NVIDIA 565.57.01', isFallbackAdapter: false })
    )
    expect(a.software).toBe(false)
    expect(a.driver).toBe('NVIDIA 565.57.01')
    expect(a.vendor).toBe('nvidia')
  })
})
