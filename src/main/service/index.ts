// The lab service's public face.
export { LabService, type LabServiceOptions, type CloseOptions } from './lab-service.ts'
export { ServiceEvents, type EventSource } from './events.ts'
export { ServiceError, toApiError, errorKind, type ErrorKind } from './errors.ts'
export { nodeTrainerLauncher } from './node-launcher.ts'
export type { TrainerLauncher, TrainerHandle, LaunchRequest } from './launcher.ts'
export { checkpointDir } from './context.ts'
export { writeRunBundle, importRunBundle, BUNDLE_FORMAT } from './bundle.ts'
