// Whether this machine has a WebGPU adapter for the webgpu tests. Where none
// exists the tests are skipped with the reason printed, unless
// FIXMATCH_REQUIRE_WEBGPU=1 (set in .ci/run): then a missing adapter fails.
import { listWebGpuAdapters } from '../../src/main/trainer/webgpu.ts'

export interface WebGpuAvailability {
  available: boolean
  reason?: string
}

export async function webGpuAvailability(): Promise<WebGpuAvailability> {
  const listing = await listWebGpuAdapters()
  if (listing.adapters.length > 0) return { available: true }
  const reason = listing.reason ?? 'no adapter'
  if (process.env.FIXMATCH_REQUIRE_WEBGPU === '1') {
    throw new Error(`FIXMATCH_REQUIRE_WEBGPU=1 but no WebGPU adapter is usable here: ${reason}`)
  }
  console.warn(`skipping the webgpu tests: ${reason}`)
  return { available: false, reason }
}
