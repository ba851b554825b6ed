// Config keys that several methods read. Each is one spec object, so every
// method that declares it declares the same field (names and defaults as
// before the registry: stored configs stay valid).
import type { FieldSpec } from '../config.ts'

/** FixMatch's pseudo-label term: O, L, U and U+. */
export const PSEUDO_LABEL_KEYS = {
  threshold: { type: 'number', default: 0.95, min: 0, max: 1, group: 'method', doc: 'confidence a pseudo-label needs to count' },
  lambdaU: { type: 'number', default: 1, min: 0, group: 'method', doc: 'weight of the unlabeled loss' }
} as const satisfies Record<string, FieldSpec>

/** The contrastive terms: L, U and U+. */
export const CONTRASTIVE_KEYS = {
  temperature: { type: 'number', default: 0.1, min: 0, exclusiveMin: true, group: 'method', doc: 'temperature of the contrastive losses (L, U, U+)' }
} as const satisfies Record<string, FieldSpec>
