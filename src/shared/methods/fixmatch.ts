import { defineMethod } from './descriptor.ts'
import { PSEUDO_LABEL_KEYS } from './keys.ts'

export const fixmatch = defineMethod({
  name: 'O',
  title: 'FixMatch (O)',
  colour: '#2563eb',
  doc: 'FixMatch: pseudo-labels from the weak view, consistency on the strong view',
  loss: 'L = CE(labeled) + lambdaU * Lu, Lu = mean over unlabeled of [max p(weak) >= threshold] * CE(strong, argmax p(weak))',
  keys: { ...PSEUDO_LABEL_KEYS },
  views: { unlabeled: true, simclr: false }
})
