// Electron entry: one locked-down window, its guards and quit. The lab service
// (synchronous SQLite, doctor's probes, the trainers) runs in a utility
// process of its own (service-host/); each window of ours talks to it over
// its own MessageChannel, which main sets up and otherwise stays out of.
import { app, BrowserWindow, dialog, MessageChannelMain, session, shell, utilityProcess, type MessagePortMain } from 'electron'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { PRODUCT_NAME, resolveHome } from './paths.ts'
import { PARENT_PID_ENV } from './trainer/parent-channel.ts'
import { ServiceHostSupervisor } from './service-host/supervisor.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const rendererRoot = pathToFileURL(path.join(here, '../renderer/')).href

let host: ServiceHostSupervisor<MessagePortMain> | undefined
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
  // each load (a reload too) gets a fresh port: the page's old one went with the old document
  window.webContents.on('did-finish-load', () => host?.connect(window))
  const id = window.id
  window.once('closed', () => host?.disconnect(id))
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

app.whenReady().then(async () => {
  // the page needs no camera, notifications or the like
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  host = new ServiceHostSupervisor({
    // the host's watchdog ends it (and so its trainers) once this process is gone, kill -9 included
    fork: () =>
      utilityProcess.fork(path.join(here, 'service-host.js'), [], {
        serviceName: `${PRODUCT_NAME} service`,
        stdio: 'inherit',
        env: { ...process.env, [PARENT_PID_ENV]: String(process.pid) }
      }),
    channel: () => new MessageChannelMain(),
    open: { homeDir: resolveHome(undefined), appVersion: app.getVersion(), trainerEntry: path.join(here, 'trainer-process.js') },
    windows: () => BrowserWindow.getAllWindows(),
    isOurPage,
    onFatal: (message) => {
      dialog.showErrorBox(`${PRODUCT_NAME} lost its lab service`, message)
      app.quit()
    }
  })
  try {
    await host.start()
  } catch (error) {
    dialog.showErrorBox(`${PRODUCT_NAME} cannot open its run store`, (error as Error).message)
    host = undefined
    app.quit()
    return
  }
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

// Quitting pauses the running runs with a checkpoint (they continue first next time), then closes the store.
app.on('before-quit', (event) => {
  if (!host || quitting) return
  event.preventDefault()
  quitting = true
  void host
    .close(60_000)
    .catch((error) => console.error('closing the lab service:', error))
    .finally(() => {
      host = undefined
      app.quit()
    })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
