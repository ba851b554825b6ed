// The trainer's `started` message with and without a WebGPU adapter: what the
// service accepts as run provenance, and what it refuses.
import { describe, expect, it } from 'vitest'
import { parseFromTrainer, ProtocolError } from '../../src/main/trainer/protocol.ts'

const started = {
  type: 'started',
  backend: 'webgpu',
  device: 'WebGPU SOFTWARE adapter mesa software llvmpipe (...)',
  splitHash: '0123456789abcdef',
  resumedFromStep: null,
  trainSeconds: 0,
  rejected: [],
  libraryVersions: { tfjs: '4.22.0' },
  os: 'Linux'
}

const adapter = {
  vendor: 'mesa',
  architecture: 'software',
  device: 'llvmpipe',
  description: 'llvmpipe: Mesa 25.0.7',
  driver: 'Mesa 25.0.7',
  software: true,
  found: ['high-performance'],
  limits: { maxBufferSize: 4294967295, maxStorageBufferBindingSize: 134217728 }
}

describe('started message', () => {
  it('carries the adapter when there is one, and is fine without', () => {
    expect(parseFromTrainer({ ...started, adapter })).toMatchObject({ adapter: { vendor: 'mesa', software: true, limits: { maxBufferSize: 4294967295 } } })
    expect(parseFromTrainer({ ...started, backend: 'wasm' })).not.toHaveProperty('adapter')
  })

  it('refuses an adapter without its limits or with a non-numeric one, naming the field', () => {
    const { limits: _drop, ...noLimits } = adapter
    expect(() => parseFromTrainer({ ...started, adapter: noLimits })).toThrow(ProtocolError)
    expect(() => parseFromTrainer({ ...started, adapter: { ...adapter, limits: { maxBufferSize: 'big' } } })).toThrow(/bad or missing adapter/)
    expect(() => parseFromTrainer({ ...started, adapter: { ...adapter, software: 'yes' } })).toThrow(/bad or missing adapter/)
  })
})

describe('diagnostics message', () => {
  const diagnostics = {
    type: 'diagnostics',
    step: 100,
    classes: 2,
    confusion: [3, 1, 0, 2],
    pseudoLabels: { steps: 100, histogram: [60, 40], passed: [50, 10] },
    misclassified: [{ index: 4, predicted: 1, label: 0 }],
    unlabeled: [{ index: 9, pseudoLabel: 0, confidence: 0.97, label: -1 }]
  }

  it('carries a classes x classes matrix, and null pseudo-labels for a method without', () => {
    expect(parseFromTrainer(diagnostics)).toEqual(diagnostics)
    expect(parseFromTrainer({ ...diagnostics, pseudoLabels: null })).toMatchObject({ pseudoLabels: null })
  })

  it('is refused with a matrix or a histogram of the wrong size, naming the field', () => {
    expect(() => parseFromTrainer({ ...diagnostics, confusion: [3, 1, 0] })).toThrow(
      new ProtocolError('trainer message "diagnostics": bad or missing confusion')
    )
    expect(() => parseFromTrainer({ ...diagnostics, pseudoLabels: { steps: 1, histogram: [1], passed: [1, 0] } })).toThrow(
      'trainer message "diagnostics": bad or missing pseudoLabels.histogram'
    )
  })
})
