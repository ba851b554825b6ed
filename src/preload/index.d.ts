import type { PortBridge } from '../shared/bridge'

declare global {
  interface Window {
    /** the preload's bridge (src/preload/index.ts): one method per contract command answering with an ApiReply, and on(event, listener) */
    fixmatchLab: PortBridge
  }
}
