// The typed bridge: one method per command, nothing else crosses.
import { contextBridge, ipcRenderer } from 'electron'

const api = {
  appInfo: (): Promise<{ name: string; version: string }> => ipcRenderer.invoke('app/info')
}

export type FixMatchLabApi = typeof api

contextBridge.exposeInMainWorld('fixmatchLab', api)
