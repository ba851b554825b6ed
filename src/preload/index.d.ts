import type { LabBridge } from '../shared/api'

declare global {
  interface Window {
    /** the preload's bridge (src/preload/index.ts): one method per contract command, and on(event, listener) */
    fixmatchLab: LabBridge
  }
}
