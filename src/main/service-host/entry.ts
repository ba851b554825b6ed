// The service host's entry, run by Electron main with utilityProcess.fork
// (out/main/service-host.js). Electron does not end a utility process whose
// parent was killed: the watchdog does, by main's pid, as for trainers.
import { PARENT_PID_ENV, parentPidOf } from '../trainer/parent-channel.ts'
import { startWatchdog } from '../trainer/watchdog.ts'
import { runServiceHost, type HostParentPort } from './host.ts'

// typed by Electron's declarations, so the compiler checks ParentPort against what the host uses
const parent: HostParentPort | undefined = process.parentPort
if (!parent) throw new Error(`the service host runs in an Electron utility process started by FixMatch Lab (no parentPort; ${PARENT_PID_ENV} names main's pid)`)
startWatchdog(parentPidOf(process))
runServiceHost(parent, (code) => process.exit(code))
