import { defineMethod } from './descriptor.ts'
import { PSEUDO_LABEL_KEYS } from './keys.ts'

export const freematch = defineMethod({
  name: 'FreeMatch',
  title: 'FreeMatch',
  colour: '#d6336c',
  doc: 'FreeMatch: FixMatch with a self-adaptive global threshold time_p scaled per class by p_model / max(p_model), plus a self-adaptive fairness loss',
  loss:
    'L = CE(labeled) + lambdaU * Lu + entLossRatio * Lf; first, from p = softmax(weak) (all start at 1/C): time_p = emaP * time_p + (1 - emaP) * mean(max p), ' +
    'p_model = emaP * p_model + (1 - emaP) * mean(p), label_hist = emaP * label_hist + (1 - emaP) * histogram(argmax p) / N; ' +
    'then Lu = mean over unlabeled of [max p >= time_p * p_model[c] / max(p_model)] * CE(strong, c), c = argmax p; ' +
    'Lf = sum_k a_k * log(b_k + 1e-12) over the masked rows, q = softmax(strong), a = normalise(p_model / label_hist), b = normalise(mean(q) / histogram(argmax q)), ' +
    "1/0 taken as 0, both scalers detached, Lf = 0 with no masked row (USB's entropy_loss, its sign included)",
  keys: {
    lambdaU: PSEUDO_LABEL_KEYS.lambdaU,
    emaP: {
      type: 'number',
      default: 0.999,
      min: 0,
      max: 1,
      group: 'method',
      doc: "FreeMatch's EMA momentum for its global threshold, class model and label histogram"
    },
    entLossRatio: {
      type: 'number',
      default: 0.001,
      min: 0,
      group: 'method',
      doc: "weight of FreeMatch's self-adaptive fairness loss (0.001: USB's CIFAR-10 config)"
    }
  },
  views: { unlabeled: true, simclr: false },
  charts: [{ metric: 'globalThreshold', title: 'Global threshold time_p (FreeMatch)', yTitle: 'time_p' }]
})
