// How variants are named in tables and legends (the study's column titles).
import type { Variant } from '../../shared/config.ts'

export const VARIANT_TITLES: Readonly<Record<Variant, string>> = {
  S: 'Supervised (S)',
  O: 'FixMatch (O)',
  L: 'SimCLR on labeled (L)',
  U: 'SimCLR on unlabeled (U)',
  'U+': 'U, own positive (U+)'
}
