// <home>/service.json: where a running `worker` or `serve` can be reached.
// Written with mode 0600 (it holds the API token), removed on exit. The other
// CLI commands read it to send their changes through that process's API
// instead of fighting over the store's lock.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { processIsAlive } from '../main/process-alive.ts'
import { writePrivateFileAtomic } from '../main/home-files.ts'

export interface PublishedService {
  pid: number
  hostname: string
  url: string
  token: string
  mode: 'worker' | 'serve'
  startedAt: string
}

export function serviceFilePath(home: string): string {
  return path.join(home, 'service.json')
}

/** Writes the file atomically, readable by this user only; returns a remover that leaves a newer owner's file alone. */
export function publishService(home: string, entry: Omit<PublishedService, 'pid' | 'hostname' | 'startedAt'>): () => void {
  const file = serviceFilePath(home)
  const published: PublishedService = { pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString(), ...entry }
  writePrivateFileAtomic(file, JSON.stringify(published, null, 2), "publish this service's address in")
  return () => {
    if (readServiceFile(home, { checkAlive: false })?.pid === process.pid) fs.rmSync(file, { force: true })
  }
}

/** The published service, if its file is well-formed and (by default) its process still runs on this machine. */
export function readServiceFile(home: string, options: { checkAlive?: boolean } = {}): PublishedService | undefined {
  let entry: Partial<PublishedService>
  try {
    entry = JSON.parse(fs.readFileSync(serviceFilePath(home), 'utf8')) as Partial<PublishedService>
  } catch {
    return undefined
  }
  if (!Number.isInteger(entry.pid) || typeof entry.url !== 'string' || typeof entry.token !== 'string' || typeof entry.hostname !== 'string') return undefined
  if ((options.checkAlive ?? true) && (entry.hostname !== os.hostname() || !processIsAlive(entry.pid!))) return undefined
  return entry as PublishedService
}
