// A one-line progress bar on stderr: redrawn in place on a terminal, printed
// every few seconds otherwise (logs, CI).
import { formatDuration } from '../shared/format.ts'

export class ProgressLine {
  private lastPrint = 0
  private readonly tty = Boolean(process.stderr.isTTY)

  constructor(
    private readonly label: string,
    private readonly quiet = false
  ) {}

  update(done: number, total: number, extra: string, etaSeconds?: number): void {
    if (this.quiet) return
    const now = Date.now()
    const finished = done >= total
    if (!finished && now - this.lastPrint < (this.tty ? 200 : 5000)) return
    this.lastPrint = now
    const width = 24
    const filled = Math.round((width * Math.min(done, total)) / Math.max(total, 1))
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled)
    const eta = etaSeconds !== undefined && !finished ? ` ETA ${formatDuration(etaSeconds)}` : ''
    const line = `${this.label} [${bar}] ${done}/${total}${eta} ${extra}`
    if (this.tty) process.stderr.write(`\r\x1b[2K${line}${finished ? '\n' : ''}`)
    else process.stderr.write(`${line}\n`)
  }

  /** Ends an unfinished bar line before other output. */
  break(): void {
    if (this.tty && !this.quiet) process.stderr.write('\n')
  }
}
