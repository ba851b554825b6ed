// The app's version for run records: from package.json (package-root.ts finds
// it from sources and the bundled app alike); Electron passes its own.
import { packageRoot } from '../package-root.ts'

export function appVersion(): string {
  return packageRoot()?.version ?? 'unknown'
}
