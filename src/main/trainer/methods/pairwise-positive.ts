// U+: as U, with every row targeting its own positive (the corrected form).
import { pairwisePositive as descriptor } from '../../../shared/methods/pairwise-positive.ts'
import { pairwiseContrastive } from './pairwise.ts'

export const pairwisePositive = pairwiseContrastive(descriptor, 'positive')
