import { defineMethod } from './descriptor.ts'
import { PSEUDO_LABEL_KEYS } from './keys.ts'

export const flexmatch = defineMethod({
  name: 'FlexMatch',
  title: 'FlexMatch',
  colour: '#0e9f9a',
  doc: "FlexMatch: FixMatch with per-class thresholds threshold * M(sigma_c), M(x) = x / (2 - x), from each class's learning effect sigma_c (curriculum pseudo-labelling)",
  loss:
    'L = CE(labeled) + lambdaU * Lu, Lu = mean over unlabeled of [max p >= threshold * M(sigma_c)] * CE(strong, c), p = softmax(weak), c = argmax p, M(x) = x / (2 - x); ' +
    'per image its last class with max p >= threshold (-1 before), sigma_k = #images recording k / the largest count (the -1 count included while threshWarmup), ' +
    'left unchanged while all images record the same; the mask uses sigma from before the step',
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
