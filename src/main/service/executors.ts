// Which launcher starts a run: its executor's. A local run forks a trainer
// here and takes one of the slots; a slurm run is submitted as a batch job and
// takes none: Slurm queues it, and the cluster's own limits (partition,
// account, QOS such as MaxSubmitJobs) decide how many run at once, so a second
// limit here would only hide runs from the cluster's fair share. The service
// holds one socket and one state poll (with backoff) per job.
import type { Executor } from '../../shared/executor.ts'
import type { TrainerLauncher } from './launcher.ts'
import { slurmCommands, type SlurmCommands } from './slurm/client.ts'
import { slurmTrainerLauncher, type SlurmJobs } from './slurm/launcher.ts'

/** What starts slurm runs: slurmTrainerLauncher, or a test's stand-in. */
export type JobLauncher = TrainerLauncher & {
  close(): Promise<void>
  /** the Slurm commands behind it: which jobs still run, scancel (the service's recovery) */
  readonly jobs: Pick<SlurmJobs, 'queued' | 'cancel'>
}

export interface ExecutorOptions {
  /** starts local trainers */
  local: TrainerLauncher
  /** starts slurm runs' jobs (default: sbatch on this machine, built on first use) */
  slurm?: JobLauncher
  /** whether Slurm's client commands are here (default: looked up on PATH) */
  slurmCommands?: SlurmCommands
}

export class Executors {
  private readonly commands: SlurmCommands
  private slurm: JobLauncher | undefined

  constructor(private readonly options: ExecutorOptions) {
    this.commands = options.slurmCommands ?? slurmCommands()
    this.slurm = options.slurm
  }

  launcher(executor: Executor): TrainerLauncher {
    if (executor === 'local') return this.options.local
    return this.slurmLauncher()
  }

  /** The Slurm commands the slurm launcher uses. */
  slurmJobs(): JobLauncher['jobs'] {
    return this.slurmLauncher().jobs
  }

  private slurmLauncher(): JobLauncher {
    this.slurm ??= slurmTrainerLauncher()
    return this.slurm
  }

  /** Why runs of this executor cannot start here, if they cannot. */
  unavailable(executor: Executor): string | undefined {
    if (executor === 'local' || this.commands.available) return undefined
    return `waiting for a service with Slurm: ${this.commands.reason ?? "Slurm's client commands are missing here"}`
  }

  /** Whether a run of this executor takes a local slot. */
  takesSlot(executor: Executor): boolean {
    return executor === 'local'
  }

  /** Stops listening for Slurm jobs' trainers. */
  async close(): Promise<void> {
    await this.slurm?.close()
  }
}
