// The trainer protocol over a TCP connection, for a trainer the service did not
// fork (a Slurm job on a compute node). The service listens; the job gets the
// path of a connect file (CONNECT_FILE_ENV) on the shared filesystem, readable
// only by its owner, that holds the service's address and a token for this one
// launch. The trainer connects, says hello with the token, and from then on
// both sides write one JSON message a line: the same messages, parsed the same
// way, as over fork's IPC channel (whose 'json' serialization also turns NaN
// into null). No tfjs and no store here: both the service and the trainer load it.
import fs from 'node:fs'
import type { Socket } from 'node:net'
import { z } from 'zod'

/** Set in the job script: the connect file's path. */
export const CONNECT_FILE_ENV = 'FIXMATCH_LAB_SERVICE_FILE'

export const connectFileSchema = z.object({
  host: z.string().min(1),
  port: z.int().min(1).max(65535),
  /** 64 hex digits, new for every launch */
  token: z.string().regex(/^[0-9a-f]{64}$/)
})
export type ConnectInfo = z.infer<typeof connectFileSchema>

/** The trainer's first line; next: the number of the first message after it (1 where absent), when it reconnects. */
export const helloSchema = z.object({ hello: z.string(), jobId: z.string().optional(), next: z.int().min(1).optional() })
export type Hello = z.infer<typeof helloSchema>

/** The service's word that it has recorded the trainer's messages up to this number (service-link.ts). */
export const ackSchema = z.object({ ack: z.int().min(0) }).strict()

/** A line longer than this is no message of ours (a checkpoint is a file, not a message). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024

export function writeConnectFile(file: string, info: ConnectInfo): void {
  // 0600 from the start: the token must not be readable by other users, even for a moment;
  // renamed into place: a trainer re-reading it (service-link.ts) never sees half a file
  const partial = `${file}.${process.pid}.partial`
  fs.writeFileSync(partial, JSON.stringify(info), { mode: 0o600 })
  fs.renameSync(partial, file)
}

export function readConnectFile(file: string): ConnectInfo {
  let raw: unknown
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (error) {
    throw new Error(`${CONNECT_FILE_ENV}: cannot read the service's connect file ${file}: ${(error as Error).message}`, { cause: error })
  }
  const parsed = connectFileSchema.safeParse(raw)
  if (!parsed.success)
    throw new Error(`${CONNECT_FILE_ENV}: ${file} is not a connect file (${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message})`)
  return parsed.data
}

/** Calls onLine with each parsed JSON line from the socket; a line that is not JSON, or too long, ends the connection. */
export function readJsonLines(socket: Socket, onMessage: (message: unknown) => void): void {
  let rest = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n')
    rest = lines.pop() ?? ''
    if (rest.length > MAX_LINE_BYTES) return void socket.destroy(new Error(`a line of more than ${MAX_LINE_BYTES} bytes`))
    for (const line of lines) {
      if (!line.trim()) continue
      let message: unknown
      try {
        message = JSON.parse(line)
      } catch {
        return void socket.destroy(new Error('a line that is not JSON'))
      }
      onMessage(message)
    }
  })
}

/** Writes one message as a JSON line; resolves once it is handed to the OS (or the socket is gone). */
export function writeJsonLine(socket: Socket, message: unknown): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed || !socket.writable) return resolve()
    socket.write(`${JSON.stringify(message)}\n`, () => resolve())
  })
}
