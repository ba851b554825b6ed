// `fixmatch-lab doctor` from sources on this machine: the WebGPU probe (a
// child process) answers, and a software adapter is listed but never chosen by auto.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/fixmatch-lab.js')

describe('fixmatch-lab doctor', () => {
  it('lists the WebGPU adapters the probe found, with the Linux checks; auto never picks a software one', () => {
    const out = spawnSync(process.execPath, [BIN, 'doctor', '--json'], { encoding: 'utf8', timeout: 120_000 })
    expect(out.status, out.stderr).toBe(0)
    const report = JSON.parse(out.stdout.trim().split('\n').at(-1)!)
    expect(report.webgpu.probe.status).toBe('answered')
    if (process.platform === 'linux') expect(report.webgpu.runtime).toHaveProperty('vulkanDrivers')
    const adapters = report.webgpu.probe.adapters as { software: boolean; description: string; limits: { maxBufferSize: number } }[]
    if (adapters.length === 0) {
      if (process.env.FIXMATCH_REQUIRE_WEBGPU === '1')
        throw new Error(`FIXMATCH_REQUIRE_WEBGPU=1 but doctor found no WebGPU adapter: ${report.webgpu.probe.reason}`)
      expect(report.webgpu.probe.reason).toBeTruthy()
      return
    }
    for (const a of adapters) expect(a.limits.maxBufferSize).toBeGreaterThan(0)
    if (adapters.every((a) => a.software)) {
      expect(report.backend).not.toBe('webgpu')
      expect(report.advice.join('\n')).toMatch(/Only a software WebGPU adapter was found/)
    }
  })
})
