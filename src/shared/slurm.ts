// What a run submitted to Slurm asks for: partition, GPUs, time limit, account
// and extra sbatch lines. Plain data with its zod schema, in src/shared so that
// an experiment's settings (editor, CLI, store) can use the same validator as
// the service's slurm client (src/main/service/slurm/).
import { z } from 'zod'

/** A Slurm name (partition, account): letters, digits and . _ - */
const slurmName = z.string().regex(/^[A-Za-z0-9._-]+$/, 'a Slurm name: letters, digits, ".", "_" or "-"')

/** Slurm's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, or UNLIMITED */
const TIME_LIMIT = /^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}(:\d{1,2}){0,2}|UNLIMITED|INFINITE)$/

/** An extra line for the job script: one sbatch option ("--mem=16G", "#SBATCH --mem=16G" also accepted). */
const extraLine = z
  .string()
  .transform((line) => line.trim().replace(/^#SBATCH\s+/, ''))
  .pipe(z.string().regex(/^-[^\r\n]*$/, 'one sbatch option on one line, starting with "-" (e.g. "--mem=16G")'))

export const slurmJobOptionsSchema = z.strictObject({
  partition: slurmName.optional(),
  /** --gres, e.g. "gpu:1" or "gpu:a100:2" */
  gres: z
    .string()
    .regex(/^[A-Za-z0-9._:,-]+$/, 'a --gres value such as "gpu:1" or "gpu:a100:2"')
    .optional(),
  /** --time */
  timeLimit: z.string().regex(TIME_LIMIT, 'a Slurm time limit: minutes, HH:MM:SS or D-HH:MM:SS').optional(),
  account: slurmName.optional(),
  extraLines: z.array(extraLine).default([]),
  /**
   * How long before the time limit Slurm signals the trainer (sbatch --signal=B:USR1@<seconds>) so
   * that it checkpoints and exits; Slurm may send it up to a minute earlier than asked.
   */
  checkpointLeadSeconds: z.int().min(30).max(3600).default(180)
})
export type SlurmJobOptions = z.infer<typeof slurmJobOptionsSchema>
export type SlurmJobOptionsInput = z.input<typeof slurmJobOptionsSchema>
