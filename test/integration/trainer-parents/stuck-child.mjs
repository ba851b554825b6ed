// A process whose main thread never returns (as in a long synchronous step),
// with the trainer's watchdog on its parent. Prints {"ready":1} once the watchdog runs.
import { register } from 'tsx/esm/api'

register()
const { startWatchdog } = await import('../../../src/main/trainer/watchdog.ts')
const { PARENT_PID_ENV } = await import('../../../src/main/trainer/parent-channel.ts')
startWatchdog(Number(process.env[PARENT_PID_ENV]))
console.log(JSON.stringify({ ready: 1 }))
for (;;) {
  // spin: no event, timer or signal handler runs on this thread again
}
