// The headless HTTP + WebSocket bridge's public face.
export { startLabServer, type LabServer } from './lab-server.ts'
