// Shared by the tests against a real Slurm (the one-node one of
// scripts/slurm-dev.sh, which .ci/run brings up): whether it is usable here.
import { execFileSync } from 'node:child_process'
import { slurmCommands } from '../../src/main/service/slurm/client.ts'

function slurmAvailability(): string | undefined {
  const commands = slurmCommands()
  if (!commands.available) return commands.reason
  try {
    const nodes = execFileSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 20_000 }).trim()
    if (!/idle|mixed|allocated/.test(nodes)) return `sinfo shows no usable node ("${nodes}"): run scripts/slurm-dev.sh up`
  } catch (error) {
    return `sinfo failed (${(error as Error).message.split('\n')[0]}): run scripts/slurm-dev.sh up`
  }
  return undefined
}

/**
 * Why Slurm is not usable here (undefined: it is), printed as the reason the tests skip; in CI
 * (FIXMATCH_REQUIRE_SLURM=1) a missing Slurm fails instead.
 */
export function slurmMissing(tests: string): string | undefined {
  const missing = slurmAvailability()
  if (missing && process.env.FIXMATCH_REQUIRE_SLURM === '1') throw new Error(`FIXMATCH_REQUIRE_SLURM=1 but Slurm is not usable here: ${missing}`)
  if (missing) console.warn(`skipping ${tests}: ${missing}`)
  return missing
}
