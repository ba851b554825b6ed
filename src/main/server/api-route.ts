// POST /api/<command>: the request as a JSON body, the bearer token (or the
// page's session cookie) checked,
// the answer { result } or an error status with { error: { message, field? } }.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { COMMAND_NAMES, type ApiError, type CommandName, type Handlers } from '../../shared/api.ts'
import { errorKind, toApiError, type ErrorKind } from '../service/errors.ts'
import { apiAuthorized, type Access } from './access.ts'

const MAX_BODY_BYTES = 1 << 20

const STATUS_OF: Record<ErrorKind, number> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  unavailable: 503,
  'disk-full': 507,
  internal: 500
}

export async function handleApi(request: IncomingMessage, response: ServerResponse, handlers: Handlers, access: Access): Promise<void> {
  if (request.method !== 'POST') {
    response.setHeader('Allow', 'POST')
    return sendError(response, 405, { message: `${request.method} is not allowed here: commands are POST /api/<command> with a JSON body` })
  }
  if (!apiAuthorized(request, access)) {
    return sendError(response, 401, { message: 'missing or wrong access token: send "Authorization: Bearer TOKEN" with the token the service printed' })
  }
  const name = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname.slice('/api/'.length))
  if (!(COMMAND_NAMES as readonly string[]).includes(name)) {
    return sendError(response, 404, { message: `unknown command "${name}"` })
  }
  let body: unknown
  try {
    body = await readJson(request)
  } catch (error) {
    const tooBig = error instanceof BodyTooLarge
    return sendError(response, tooBig ? 413 : 400, { message: (error as Error).message })
  }
  try {
    const handler = handlers[name as CommandName] as (request: unknown) => Promise<unknown>
    const result = await handler(body)
    // a command without a result still answers { "result": null }: JSON drops undefined
    send(response, 200, { result: result ?? null })
  } catch (error) {
    const kind = errorKind(error)
    if (kind === 'internal') console.error(`fixmatch-lab: ${name} failed:`, error)
    sendError(response, STATUS_OF[kind], toApiError(error))
  }
}

class BodyTooLarge extends Error {}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge(`the request body is larger than ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8').trim()
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new Error(`the request body is not valid JSON: ${(error as Error).message}`, { cause: error })
  }
}

export function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) })
  response.end(text)
}

export function sendError(response: ServerResponse, status: number, error: ApiError): void {
  send(response, status, { error })
}
