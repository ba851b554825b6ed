// The service's edge: every request, from IPC, HTTP or the CLI alike, is
// parsed by its command's schema before its handler runs, so handlers receive
// typed, validated input. A bad field is named: its path in the request, or
// for a run config the config key (a ConfigError, as the editor and the CLI
// name it).
import type { z } from 'zod'
import { COMMANDS, COMMAND_NAMES, CONFIG_FIELD, type CommandName, type Handlers, type ParsedHandlers } from '../../shared/api.ts'
import { ConfigError } from '../../shared/config.ts'
import { issueField, issueText } from '../../shared/schema-issues.ts'
import { ServiceError } from './errors.ts'

/** The handlers as callers see them: each request parsed by its schema first. */
export function parsedAtTheEdge(handlers: ParsedHandlers): Handlers {
  return Object.fromEntries(
    COMMAND_NAMES.map((name) => {
      const handler = handlers[name] as (request: unknown) => Promise<unknown>
      return [name, async (request: unknown) => handler(parseRequest(name, request))]
    })
  ) as Handlers
}

/** A request parsed by its command's schema (nothing counts as an empty object); throws naming the field. */
export function parseRequest<C extends CommandName>(name: C, request: unknown): z.output<(typeof COMMANDS)[C]['request']> {
  const result = COMMANDS[name].request.safeParse(request ?? {}, { reportInput: true })
  if (result.success) return result.data as z.output<(typeof COMMANDS)[C]['request']>
  throw requestError(name, result.error.issues[0])
}

function requestError(name: string, issue: z.core.$ZodIssue): Error {
  const [first, ...rest] = issue.path
  if (first === CONFIG_FIELD && (rest.length > 0 || issue.code === 'unrecognized_keys')) {
    // the config schema's own message names the key, the value and what is allowed
    return new ConfigError(issueField({ ...issue, path: rest }), issue.message)
  }
  if (issue.path.length === 0) return new ServiceError(`${name}: the request must be an object`)
  const field = issueField(issue)
  return new ServiceError(`${field}: ${issueText(issue)}`, field)
}
