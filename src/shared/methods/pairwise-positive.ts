import { defineMethod } from './descriptor.ts'
import { CONTRASTIVE_KEYS, PSEUDO_LABEL_KEYS } from './keys.ts'

export const pairwisePositive = defineMethod({
  name: 'U+',
  title: 'FixMatch + pairwise, own positive (U+)',
  colour: '#8e44c9',
  doc: 'as U, with every row targeting its own positive (the corrected form)',
  loss: 'L = CE(labeled) + lambdaU * (Lu + Lc), Lc = CE(sim(weak, strong) / temperature, each row targets its own strong view)',
  keys: { ...PSEUDO_LABEL_KEYS, ...CONTRASTIVE_KEYS },
  views: { unlabeled: true, simclr: false }
})
