import type { FixMatchLabApi } from './index'

declare global {
  interface Window {
    fixmatchLab: FixMatchLabApi
  }
}
