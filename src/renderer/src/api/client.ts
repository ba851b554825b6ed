// Picks the transport: the Electron bridge when the preload put one on
// window, else the headless HTTP/WebSocket client of `fixmatch-lab serve`.
import type { LabClient } from '../../../shared/api.ts'
import { BridgeLabClient, isLabBridge } from './bridge-client.ts'
import { ALWAYS_OPEN, type Connection } from './connection.ts'
import { HttpLabClient } from './http-client.ts'
import { readToken } from './token.ts'

export interface Lab {
  client: LabClient
  connection: Connection
  mode: 'electron' | 'http'
  /** set when the page cannot work at all (no token in headless mode) */
  problem?: string
}

export function createLabClient(win: Window = window): Lab {
  const bridge = (win as unknown as { fixmatchLab?: unknown }).fixmatchLab
  if (isLabBridge(bridge)) return { client: new BridgeLabClient(bridge), connection: ALWAYS_OPEN, mode: 'electron' }
  const token = readToken({ location: win.location, sessionStorage: win.sessionStorage, history: win.history })
  const client = new HttpLabClient({ baseUrl: win.location.origin, token: token ?? '' })
  client.connect()
  const problem = token ? undefined : 'This page has no access token. Open the full link that `fixmatch-lab serve` printed (it ends with ?token=...).'
  return { client, connection: client.connection, mode: 'http', problem }
}
