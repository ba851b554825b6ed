import type { Check } from '../compare.ts'
import type { Fixture } from '../fixture.ts'

/** Runs one fixture case and returns one Check per expected output. */
export type KindHandler = (fixture: Fixture) => Promise<Check[]>
