// How a CLI command that changes things reaches the lab: through the API of a
// running `worker` or `serve` if one published itself in the home folder,
// else by opening the store itself (no scheduler: nothing starts training).
// A store held by a process that publishes no API (the desktop app) is named.
import type { CommandName, Request, Response } from '../shared/api.ts'
import { LabService } from '../main/service/index.ts'
import { StoreLockedError } from '../main/store/index.ts'
import { CliError } from './args.ts'
import { exitKindOfHttpStatus } from './exit-codes.ts'
import { readServiceFile, serviceFilePath, type PublishedService } from './service-file.ts'

export interface LabAccess {
  call<C extends CommandName>(command: C, request: Request<C>): Promise<Response<C>>
  /** how the commands travel, for messages */
  readonly via: string
  close(): Promise<void>
}

export async function openLab(home: string): Promise<LabAccess> {
  const published = readServiceFile(home)
  if (published) return httpAccess(published, home)
  let service: LabService
  try {
    service = LabService.open({ homeDir: home })
  } catch (error) {
    if (error instanceof StoreLockedError && error.pid !== undefined) {
      throw new CliError(
        `the run store in ${home} is in use by process ${error.pid}${error.hostname ? ` on ${error.hostname}` : ''}, ` +
          'which publishes no API here (the desktop app?): make the change in that app, or close it and try again',
        'unavailable'
      )
    }
    throw error
  }
  return {
    via: 'the run store',
    call: (command, request) => (service.handlers[command] as (r: typeof request) => Promise<Response<typeof command>>)(request),
    close: () => service.close({ pauseRunning: false })
  }
}

function httpAccess(published: PublishedService, home: string): LabAccess {
  return {
    via: `the running ${published.mode} (process ${published.pid}) at ${published.url}`,
    async call(command, request) {
      let response: globalThis.Response
      try {
        response = await fetch(`${published.url}/api/${command}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${published.token}` },
          body: JSON.stringify(request ?? {})
        })
      } catch (error) {
        throw new CliError(
          `cannot reach the running ${published.mode} (process ${published.pid}) at ${published.url}: ${(error as Error).message}. ` +
            `If that process is not a FixMatch Lab ${published.mode} any more, delete ${serviceFilePath(home)}`,
          'unavailable'
        )
      }
      const body = (await response.json().catch(() => undefined)) as { result?: unknown; error?: { message?: string; field?: string } } | undefined
      if (!response.ok)
        throw new CliError(body?.error?.message ?? `the running ${published.mode} answered HTTP ${response.status}`, exitKindOfHttpStatus(response.status))
      return body?.result as Response<typeof command>
    },
    close: async () => {}
  }
}
