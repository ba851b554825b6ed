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
  /** set when the page cannot work at all */
  problem?: string
}

export function createLabClient(win: Window = window): Lab {
  const bridge = (win as unknown as { fixmatchLab?: unknown }).fixmatchLab
  if (isLabBridge(bridge)) return { client: new BridgeLabClient(bridge), connection: ALWAYS_OPEN, mode: 'electron' }
  const token = readToken({ location: win.location, sessionStorage: win.sessionStorage, history: win.history })
  const client = new HttpLabClient({ baseUrl: win.location.origin, token: token ?? '' })
  // without a token (a second tab, a bookmark) the session cookie is the access; a refusal says how to get one
  client.connect()
  return { client, connection: client.connection, mode: 'http' }
}
