import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          // the lab service's own process (utilityProcess.fork of out/main/service-host.js)
          'service-host': resolve(__dirname, 'src/main/service-host/entry.ts'),
          // the batch-preparation worker is started by file name at run time
          'prepare-worker': resolve(__dirname, 'src/main/trainer/data/prepare-worker.ts'),
          // so is the trainer process (the service host forks out/main/trainer-process.js as plain Node)
          'trainer-process': resolve(__dirname, 'src/main/trainer/process.ts')
        }
      }
    }
  },
  preload: {
    // sandboxed preloads must be CommonJS
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } } },
    plugins: [vue()]
  }
})
