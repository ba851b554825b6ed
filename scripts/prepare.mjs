// npm "prepare" (after every `npm ci` / `npm install`): bundle tfjs-core's
// gradients, build the CLI (bin/fixmatch-lab.js runs out/cli/), then say
// plainly what the install left out and what that means.
import { createRequire } from 'node:module'
import './bundle-tfjs-gradients.mjs'
import { buildCli } from './build-cli.mjs'
import { electronBinary } from './ensure-electron.mjs'

const built = await buildCli()
console.log(`built the CLI into out/cli/ (${built.files} files, ${built.ms} ms)`)

const require = createRequire(import.meta.url)
const has = (pkg) => {
  try {
    require.resolve(`${pkg}/package.json`)
    return true
  } catch {
    return false
  }
}

if (!electronBinary()) {
  console.log(
    'note: the Electron binary was not downloaded (skipped install script); `npm start` fetches it when the desktop window is wanted. The CLI, `fixmatch-lab serve` and the tests do not need it.'
  )
}
if (!has('@tensorflow/tfjs-node-gpu') && !has('@tensorflow/tfjs-node')) {
  console.log(
    'note: tfjs-node / tfjs-node-gpu are not installed (libtensorflow could not be downloaded): training uses the wasm backend. `npx fixmatch-lab doctor` says how to get a faster one.'
  )
}
