// The parent of stuck-child.mjs: prints the child's pid, then waits to be killed.
import { spawn } from 'node:child_process'

const child = spawn(process.execPath, [new URL('./stuck-child.mjs', import.meta.url).pathname], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, FIXMATCH_LAB_PARENT_PID: String(process.pid) }
})
console.log(JSON.stringify({ childPid: child.pid }))
