import { defineMethod } from './descriptor.ts'
import { CONTRASTIVE_KEYS, PSEUDO_LABEL_KEYS } from './keys.ts'

export const pairwiseSeed = defineMethod({
  name: 'U',
  title: 'FixMatch + pairwise (U)',
  colour: '#16a34a',
  doc: "FixMatch + pairwise contrastive loss between weak and strong unlabeled logits, the study's target indexing",
  loss: "L = CE(labeled) + lambdaU * (Lu + Lc), Lc = CE(sim(weak, strong) / temperature, target arange(N) in the study's column order: row i > 0 targets a negative)",
  keys: { ...PSEUDO_LABEL_KEYS, ...CONTRASTIVE_KEYS },
  views: { unlabeled: true, simclr: false }
})
