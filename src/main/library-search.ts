// Where the dynamic linker would find a shared library: doctor's checks for
// the CUDA libraries tfjs-node-gpu needs and for what dawn.node needs.
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'

export interface LibraryCheck {
  name: string
  /** file names that satisfy it, e.g. libcudart.so.11.0 */
  wanted: string[]
  foundAt?: string
}

/** Folders the dynamic linker searches, in its order: LD_LIBRARY_PATH, the usual CUDA places, the system folders. */
export function libraryFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const folders = (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)
  folders.push('/usr/local/cuda-11.2/lib64', '/usr/local/cuda/lib64')
  folders.push(
    '/lib/x86_64-linux-gnu',
    '/usr/lib/x86_64-linux-gnu',
    '/lib/aarch64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/lib64',
    '/usr/lib64',
    '/lib',
    '/usr/lib'
  )
  return [...new Set(folders)]
}

export function findLibrary(check: Omit<LibraryCheck, 'foundAt'>, folders: string[]): LibraryCheck {
  for (const folder of folders) {
    if (!existsSync(folder)) continue
    let names: string[]
    try {
      names = readdirSync(folder)
    } catch {
      continue
    }
    const hit = check.wanted.find((w) => names.includes(w))
    if (hit) return { ...check, foundAt: path.join(folder, hit) }
  }
  return { ...check }
}
