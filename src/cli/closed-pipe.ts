// `fixmatch-lab runs | head`: once the reader has what it wants it closes the
// pipe, and Node reports the next write as an EPIPE error on process.stdout,
// which nothing handles: a stack trace and status 1. A closed stdout is the
// reader saying "enough", not a failure, so the CLI ends at once with status 0
// and says nothing (the shell's SIGPIPE status 141 would fail `set -o pipefail`
// scripts for a pipe that did what they asked). Training that was going on
// ends as a kill would end it: its trainers go within a second, the runs are
// resumed from their last checkpoint.
import { EXIT } from './exit-codes.ts'

let installed = false

export function exitQuietlyOnClosedPipe(): void {
  if (installed) return
  installed = true
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(EXIT.ok)
      throw error
    })
  }
}
