// Electron entry: one locked-down window, and the lab service (plain Node,
// src/main/service) hosted here with trainers in utility processes. IPC is
// bound from the contract (ipc.ts); nothing else crosses to the page.
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { PRODUCT_NAME, resolveHome } from './paths.ts'
import { LabService } from './service/index.ts'
import { bindIpc } from './ipc.ts'
import { utilityTrainerLauncher } from './utility-launcher.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const rendererRoot = pathToFileURL(path.join(here, '../renderer/')).href

let service: LabService | undefined
let unbindIpc: (() => void) | undefined
let quitting = false

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: PRODUCT_NAME,
    show: false,
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false
    }
  })
  window.once('ready-to-show', () => window.show())
  if (process.env.ELECTRON_RENDERER_URL) window.loadURL(process.env.ELECTRON_RENDERER_URL)
  else window.loadFile(path.join(here, '../renderer/index.html'))
  return window
}

/** Our pages only: the built renderer, or the dev server while developing. */
function isOurPage(url: string): boolean {
  const dev = process.env.ELECTRON_RENDERER_URL
  return url.startsWith(rendererRoot) || (!!dev && url.startsWith(dev))
}

/** Only http(s) links leave the app, to the system browser; nothing navigates the window away. */
app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//i.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  contents.on('will-navigate', (event, url) => {
    if (url !== contents.getURL()) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
})

app.whenReady().then(() => {
  // the page needs no camera, notifications or the like
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  try {
    service = LabService.open({
      homeDir: resolveHome(undefined),
      autoResume: true,
      appVersion: app.getVersion(),
      launcher: utilityTrainerLauncher(path.join(here, 'trainer-process.js'))
    })
  } catch (error) {
    dialog.showErrorBox(`${PRODUCT_NAME} cannot open its run store`, (error as Error).message)
    app.quit()
    return
  }
  unbindIpc = bindIpc(ipcMain, service.handlers, service.events, { windows: () => BrowserWindow.getAllWindows(), isTrusted: isOurPage })
  service.start()
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

// Quitting pauses a running run with a checkpoint (it continues first next time), then closes the store.
app.on('before-quit', (event) => {
  if (!service || quitting) return
  event.preventDefault()
  quitting = true
  void service
    .close({ pauseRunning: true, graceMs: 60_000 })
    .catch((error) => console.error('closing the lab service:', error))
    .finally(() => {
      unbindIpc?.()
      service = undefined
      app.quit()
    })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
