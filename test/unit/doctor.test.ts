import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { adviceFor, cudaChecks, detectGpu, type DoctorReport } from '../../src/main/doctor.ts'

const base: Omit<DoctorReport, 'advice'> = {
  platform: 'linux',
  cpu: 'test cpu',
  cores: 2,
  memoryGiB: 8,
  packages: { '@tensorflow/tfjs-node-gpu': false, '@tensorflow/tfjs-node': false, '@tensorflow/tfjs-backend-wasm': true },
  gpu: { nvidiaSmi: false, gpus: [] },
  cudaLibraries: []
}

describe('doctor', () => {
  it('finds the CUDA and cuDNN libraries in the given folders', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fml-cuda-'))
    writeFileSync(path.join(dir, 'libcudart.so.11.0'), '')
    writeFileSync(path.join(dir, 'libcudnn.so.8'), '')
    const checks = cudaChecks([dir])
    expect(checks.find((c) => c.name.startsWith('CUDA'))!.foundAt).toBe(path.join(dir, 'libcudart.so.11.0'))
    expect(checks.find((c) => c.name.startsWith('cuDNN'))!.foundAt).toBeDefined()
    expect(checks.find((c) => c.name.startsWith('cuBLAS'))!.foundAt).toBeUndefined()
  })

  it('reads GPUs from nvidia-smi and copes with its absence', () => {
    expect(detectGpu(() => 'NVIDIA A100, 40960 MiB, 535.1\n')).toEqual({ nvidiaSmi: true, gpus: ['NVIDIA A100, 40960 MiB'], driver: '535.1' })
    expect(detectGpu(() => { throw new Error('ENOENT') })).toEqual({ nvidiaSmi: false, gpus: [] })
  })

  it('with a GPU but no tfjs-node-gpu and no CUDA, gives the install and library fixes', () => {
    const advice = adviceFor(
      { ...base, gpu: { nvidiaSmi: true, gpus: ['NVIDIA T4'] }, cudaLibraries: cudaChecks([]) },
      'wasm'
    ).join('\n')
    expect(advice).toMatch(/npm install @tensorflow\/tfjs-node-gpu@4.22.0/)
    expect(advice).toMatch(/CUDA 11.2 runtime \(libcudart.so.11.0\)/)
    expect(advice).toMatch(/LD_LIBRARY_PATH/)
  })

  it('says nothing needs doing when the GPU backend is in use', () => {
    expect(adviceFor(base, 'node-gpu')).toEqual(['The GPU is in use: nothing to do.'])
  })
})
