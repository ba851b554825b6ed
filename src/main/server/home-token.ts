// The serve token kept per home in a file of its own (<home>/serve-token,
// 0600), so every serve of that home takes the same token and a page's
// session cookie outlives a restart. Not in service.json: that file is
// deleted at every exit, and its presence means "a service runs".
// `serve --new-token` rotates it, which logs every open page out.
import fs from 'node:fs'
import path from 'node:path'
import { ensureHome, nameFileError, PRIVATE_FILE_MODE, tightenMode, writePrivateFileAtomic } from '../home-files.ts'
import { newToken } from './token.ts'

export const HOME_TOKEN_FILE = 'serve-token'

export function homeTokenPath(home: string): string {
  return path.join(home, HOME_TOKEN_FILE)
}

/** The home's token, made (or, with rotate, replaced) when needed. */
export function homeToken(home: string, options: { rotate?: boolean } = {}): string {
  const file = homeTokenPath(home)
  if (!options.rotate) {
    const kept = readToken(file)
    if (kept) {
      tightenMode(file, PRIVATE_FILE_MODE)
      return kept
    }
  }
  ensureHome(home)
  const token = newToken()
  // a serve starting meanwhile reads the old token or the new, never half of one
  writePrivateFileAtomic(file, `${token}\n`, 'write the serve token')
  return token
}

function readToken(file: string): string | undefined {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw nameFileError(error, file, 'read the serve token')
  }
  const token = text.trim()
  // an emptied or hand-edited file gets a fresh token rather than a weak one
  return /^[A-Za-z0-9_-]{32,}$/.test(token) ? token : undefined
}
