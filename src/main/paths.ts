// Where FixMatch Lab keeps its data: the same folder the desktop app uses
// (Electron's userData for the product name), unless --home or
// FIXMATCH_LAB_HOME says otherwise.
import os from 'node:os'
import path from 'node:path'

export const PRODUCT_NAME = 'FixMatch Lab'

export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.FIXMATCH_LAB_HOME) return path.resolve(env.FIXMATCH_LAB_HOME)
  const home = os.homedir()
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), PRODUCT_NAME)
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_NAME)
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), PRODUCT_NAME)
}

export function resolveHome(flag: string | undefined): string {
  return flag ? path.resolve(flag) : defaultHome()
}

/** <home>/checkpoints: one folder per run id, holding that run's checkpoint files. */
export function checkpointsRoot(home: string): string {
  return path.join(home, 'checkpoints')
}
