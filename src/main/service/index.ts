// The lab service's public face.
export { LabService, type LabServiceOptions } from './lab-service.ts'
export type { EventSource } from './events.ts'
export { ServiceError } from './errors.ts'
export { checkpointDir } from './context.ts'
export { writeRunBundle, importRunBundle } from './bundle.ts'
