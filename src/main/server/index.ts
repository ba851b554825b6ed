// The headless HTTP + WebSocket bridge's public face.
export { startLabServer, type LabServer } from './lab-server.ts'
export { homeToken, homeTokenPath } from './home-token.ts'
export { sessionCookieName } from './session-cookie.ts'
