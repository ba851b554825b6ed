// The headless HTTP + WebSocket bridge's public face.
export { startLabServer, type LabServer, type LabServerOptions } from './lab-server.ts'
export { newToken } from './token.ts'
