import { defineMethod } from './descriptor.ts'
import { PSEUDO_LABEL_KEYS } from './keys.ts'

export const freematch = defineMethod({
  name: 'FreeMatch',
  title: 'FreeMatch',
  colour: '#d6336c',
  doc:
    'FreeMatch (self-adaptive thresholds): first the state moves by EMA at emaP from the weak probabilities p, ' +
    'time_p = emaP * time_p + (1 - emaP) * mean(max p), p_model = emaP * p_model + (1 - emaP) * mean(p), ' +
    'label_hist = emaP * label_hist + (1 - emaP) * histogram(argmax p) / N (all start at 1/C); ' +
    'then a pseudo-label of class c counts when max p >= time_p * p_model[c] / max(p_model); plus the self-adaptive fairness loss',
  loss:
    'L = CE(labeled) + lambdaU * Lu + entLossRatio * Lf, Lu as FixMatch with the self-adaptive mask; ' +
    'Lf = sum_c a_c * log(b_c + 1e-12) over the masked strong rows q = softmax(strong): a = normalise(p_model / label_hist), ' +
    'b = normalise(mean(q) / histogram(argmax q)), 1/0 taken as 0, both scalers detached, Lf = 0 when no row is masked (USB\'s sign: added as is)',
  keys: {
    lambdaU: PSEUDO_LABEL_KEYS.lambdaU,
    emaP: { type: 'number', default: 0.999, min: 0, max: 1, group: 'method', doc: "FreeMatch's EMA momentum for its global threshold, class model and label histogram" },
    entLossRatio: { type: 'number', default: 0.001, min: 0, group: 'method', doc: "weight of FreeMatch's self-adaptive fairness loss (0.001: USB's CIFAR-10 config)" }
  },
  views: { unlabeled: true, simclr: false },
  charts: [{ metric: 'globalThreshold', title: 'Global threshold time_p (FreeMatch)', yTitle: 'time_p' }]
})
