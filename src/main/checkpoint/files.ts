// Checkpoint files on disk: written atomically (a temp file in the same
// folder, fsync, rename, fsync of the folder) so a crash or a full disk never
// leaves a half-written file under a checkpoint's name; read back only after
// the size and sha256 the store recorded check out.
import fs from 'node:fs'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { deserializeState, type TrainingState } from './format.ts'
import type { CheckpointCandidate, RejectedCheckpoint } from '../trainer/protocol.ts'
import { HomeFileError, nameFileError, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../home-files.ts'

export interface WrittenCheckpoint {
  path: string
  bytes: number
  sha256: string
}

/** A checkpoint could not be written; diskFull when the disk ran out of space. */
export class CheckpointWriteError extends Error {
  constructor(
    message: string,
    readonly diskFull: boolean
  ) {
    super(message)
  }
}

/** The file system calls the writer needs (tests pass a failing one). */
export interface CheckpointFs {
  openSync: typeof fs.openSync
  writeSync: (fd: number, buffer: Buffer, offset: number, length: number) => number
  fsyncSync: typeof fs.fsyncSync
  closeSync: typeof fs.closeSync
  renameSync: typeof fs.renameSync
  rmSync: typeof fs.rmSync
  mkdirSync: typeof fs.mkdirSync
}

export function checkpointFileName(step: number): string {
  return `step-${String(step).padStart(9, '0')}.ckpt`
}

export function writeCheckpointAtomic(dir: string, step: number, bytes: Buffer, io: CheckpointFs = fs): WrittenCheckpoint {
  const final = path.join(dir, checkpointFileName(step))
  const temp = path.join(dir, `.${checkpointFileName(step)}.${process.pid}.tmp`)
  let fd: number | undefined
  try {
    // run data is private to its user: folders 0700, files 0600
    io.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
    fd = io.openSync(temp, 'w', PRIVATE_FILE_MODE)
    for (let offset = 0; offset < bytes.length;) offset += io.writeSync(fd, bytes, offset, bytes.length - offset)
    io.fsyncSync(fd)
    io.closeSync(fd)
    fd = undefined
    io.renameSync(temp, final)
  } catch (error) {
    if (fd !== undefined) {
      try {
        io.closeSync(fd)
      } catch {
        // already failing: the write error is the one to report
      }
    }
    try {
      io.rmSync(temp, { force: true })
    } catch {
      // a read-only or vanished folder: nothing was left there to remove
    }
    // a full disk, a read-only file system, permissions and I/O errors are named with what to do
    const named = nameFileError(error, dir, `write the checkpoint at step ${step} to`)
    if (named instanceof HomeFileError) throw new CheckpointWriteError(named.message, named.diskFull)
    throw new CheckpointWriteError(`could not write the checkpoint at step ${step} to ${dir}: ${(error as Error).message}`, false)
  }
  syncFolder(dir)
  return { path: final, bytes: bytes.length, sha256: sha256Of(bytes) }
}

/** Temp files of writes that never finished (the trainer was killed mid-write): nothing refers to them. */
export function removeUnfinishedWrites(dir: string): void {
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) if (/^\.step-\d+\.ckpt\.\d+\.tmp$/.test(name)) fs.rmSync(path.join(dir, name), { force: true })
}

/** Makes the rename itself durable (not possible on Windows, where it is not needed the same way). */
function syncFolder(dir: string): void {
  if (process.platform === 'win32') return
  let fd: number | undefined
  try {
    fd = fs.openSync(dir, 'r')
    fs.fsyncSync(fd)
  } catch {
    // some file systems refuse fsync on a folder; the file itself is synced
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * The newest candidate whose file exists, has the recorded size and sha256
 * and parses; with the candidates rejected on the way, each with its reason.
 */
export function loadNewestValid(
  candidates: readonly CheckpointCandidate[],
  /** a further check of the parsed state: a reason to reject it, or undefined */
  accept: (state: TrainingState) => string | undefined = () => undefined
): { state?: TrainingState; step?: number; rejected: RejectedCheckpoint[] } {
  const rejected: RejectedCheckpoint[] = []
  for (const candidate of candidates) {
    const parsed = problemWith(candidate)
    const reason = typeof parsed === 'string' ? parsed : accept(parsed)
    if (typeof reason === 'string') {
      rejected.push({ path: candidate.path, step: candidate.step, reason })
      continue
    }
    return { state: parsed as TrainingState, step: candidate.step, rejected }
  }
  return { rejected }
}

function problemWith(candidate: CheckpointCandidate): string | TrainingState {
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(candidate.path)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file is missing' : `unreadable: ${(error as Error).message}`
  }
  if (bytes.length !== candidate.bytes) return `truncated or changed: ${bytes.length} bytes, ${candidate.bytes} recorded`
  if (sha256Of(bytes) !== candidate.sha256) return 'its sha256 does not match the recorded one (the file is damaged)'
  try {
    const state = deserializeState(bytes, candidate.path)
    if (state.step !== candidate.step) return `it holds step ${state.step}, ${candidate.step} recorded`
    return state
  } catch (error) {
    return (error as Error).message
  }
}
