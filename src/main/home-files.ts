// The home folder's files are private to their user (the folder 0700, the
// store, checkpoints, lock and service.json 0600), and a file system error
// while writing one is named for a person: what happened, where, what to do.
import fs from 'node:fs'

export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** Creates the home folder (0700) or tightens an existing one that others may read. */
export function ensureHome(home: string): void {
  try {
    fs.mkdirSync(home, { recursive: true, mode: PRIVATE_DIR_MODE })
  } catch (error) {
    throw nameFileError(error, home, 'create the home folder')
  }
  try {
    tightenMode(home, PRIVATE_DIR_MODE)
  } catch (error) {
    throw nameFileError(error, home, 'make private (mode 0700) the home folder')
  }
}

/** Takes group and other permissions off a file or folder (a no-op on Windows, where modes mean little; and for missing files). */
export function tightenMode(file: string, mode: number): void {
  if (process.platform === 'win32') return
  const stat = fs.statSync(file, { throwIfNoEntry: false })
  if (!stat || (stat.mode & 0o777) === mode) return
  fs.chmodSync(file, mode)
}

/**
 * Writes a small private file (0600) of the home whole or not at all: aside, then renamed over,
 * so a reader meanwhile sees the old content or the new, never half of one. `doing` names the
 * write in an error ("write the settings file").
 */
export function writePrivateFileAtomic(file: string, content: string, doing: string): void {
  const temporary = `${file}.${process.pid}.tmp`
  try {
    fs.writeFileSync(temporary, content, { mode: PRIVATE_FILE_MODE })
    // the mode given to writeFileSync is masked by the umask
    fs.chmodSync(temporary, PRIVATE_FILE_MODE)
    fs.renameSync(temporary, file)
  } catch (error) {
    fs.rmSync(temporary, { force: true })
    throw nameFileError(error, file, doing)
  }
}

/** Codes of file system errors that need a person, not a retry. */
const NAMED_CODES = ['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO'] as const
export type FileProblem = (typeof NAMED_CODES)[number]

/** A write (or create, or open) in the home failed for a reason a person must fix. */
export class HomeFileError extends Error {
  constructor(
    readonly code: FileProblem,
    readonly path: string,
    /** what was being done, as a verb phrase: "write the checkpoint" */
    readonly action: string
  ) {
    super(describeFileProblem(code, path, action))
  }

  override get name(): string {
    return 'HomeFileError'
  }

  get diskFull(): boolean {
    return this.code === 'ENOSPC' || this.code === 'EDQUOT'
  }
}

export function isFileProblem(code: unknown): code is FileProblem {
  return (NAMED_CODES as readonly unknown[]).includes(code)
}

/** The named error for a file system error with one of the codes above; anything else passes through. */
export function nameFileError(error: unknown, path: string, action: string): unknown {
  if (error instanceof HomeFileError) return error
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return isFileProblem(code) ? new HomeFileError(code, path, action) : error
}

const ELSEWHERE = 'or use another home folder (--home DIR or FIXMATCH_LAB_HOME)'

export function describeFileProblem(code: FileProblem, path: string, action: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `could not ${action} ${path}: the disk (or your quota) is full. Free some space, then retry`
    case 'EROFS':
      return (
        `could not ${action} ${path}: it is on a read-only file system. Commands that only read ` +
        `(runs, export, queue list) still work there; to train or change runs, remount it writable ${ELSEWHERE}`
      )
    case 'EACCES':
    case 'EPERM':
      return (
        `could not ${action} ${path}: permission denied for this user${userName()}. Run FixMatch Lab as the user who owns ` +
        `the home folder, give this user ${/^read\b/.test(action) ? 'read' : 'write'} access to it, ${ELSEWHERE}`
      )
    case 'EIO':
      return (
        `could not ${action} ${path}: the disk reported an I/O error (a failing disk, or a network or removable drive ` +
        `that went away). Check the system log (dmesg), copy the home folder to a healthy disk ${ELSEWHERE}`
      )
  }
}

function userName(): string {
  try {
    const uid = process.getuid?.()
    return uid === undefined ? '' : ` (uid ${uid})`
  } catch {
    return ''
  }
}
