import { defineMethod } from './descriptor.ts'
import { PSEUDO_LABEL_KEYS } from './keys.ts'

export const flexmatch = defineMethod({
  name: 'FlexMatch',
  title: 'FlexMatch',
  colour: '#0e9f9a',
  doc:
    'FlexMatch (curriculum pseudo-labelling): per class a learning effect sigma_c = (images whose last confident pseudo-label is c) / (largest such count, ' +
    'the unused -1 count included while threshWarmup); a pseudo-label of class c counts when max p(weak) >= threshold * M(sigma_c), M(x) = x / (2 - x), ' +
    'with sigma from before the step; then every image with max p(weak) >= threshold records its class',
  loss: 'L = CE(labeled) + lambdaU * Lu, Lu = mean over unlabeled of [max p(weak) >= threshold * M(sigma(argmax p(weak)))] * CE(strong, argmax p(weak))',
  keys: {
    ...PSEUDO_LABEL_KEYS,
    threshWarmup: {
      type: 'boolean',
      default: true,
      group: 'method',
      doc: "FlexMatch's threshold warm-up: the count of images with no confident pseudo-label yet stays in the learning effect's denominator"
    }
  },
  views: { unlabeled: true, simclr: false },
  charts: [{ metric: 'learningEffect', title: 'Mean learning effect (FlexMatch)', yTitle: 'mean over classes' }]
})
