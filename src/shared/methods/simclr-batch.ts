import { defineMethod } from './descriptor.ts'
import { CONTRASTIVE_KEYS, PSEUDO_LABEL_KEYS } from './keys.ts'

export const simclrBatch = defineMethod({
  name: 'L',
  title: 'FixMatch + SimCLR (L)',
  colour: '#ea7a12',
  doc: 'FixMatch + info-NCE over two SimCLR views of the whole batch (an extra forward)',
  loss: "L = CE(labeled) + lambdaU * Lu + Lc, Lc = info-NCE at temperature over two SimCLR views of [labeled, weak, strong], added UNWEIGHTED (the study's form)",
  keys: { ...PSEUDO_LABEL_KEYS, ...CONTRASTIVE_KEYS },
  views: { unlabeled: true, simclr: true }
})
