import { defineMethod } from './descriptor.ts'

export const supervised = defineMethod({
  name: 'S',
  title: 'Supervised (S)',
  colour: '#7b7f86',
  doc: 'supervised only: the labeled images, no unlabeled loss (the honest baseline)',
  loss: 'L = CE(labeled)',
  keys: {},
  views: { unlabeled: false, simclr: false }
})
