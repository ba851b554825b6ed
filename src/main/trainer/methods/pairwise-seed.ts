// U: the pairwise weak/strong contrastive loss with the study's target indexing
// (row i targets column i of its reordered row: for i > 0 a negative).
import { pairwiseSeed as descriptor } from '../../../shared/methods/pairwise-seed.ts'
import { pairwiseContrastive } from './pairwise.ts'

export const pairwiseSeed = pairwiseContrastive(descriptor, 'seed')
