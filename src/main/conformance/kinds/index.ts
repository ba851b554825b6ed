import type { KindHandler } from './types.ts'
import { crossEntropyCase, fixmatchConsistencyCase, simclrInfoNceCase, simclrPairwiseCase } from './losses.ts'
import { sgdNesterovCase, emaCase, lrScheduleCase } from './optim.ts'
import { augmentOpCase, colorOpCase } from './augment.ts'
import { wrnForwardCase } from './wrn.ts'
import { flexmatchMaskingCase, freematchFairnessCase, freematchMaskingCase } from './methods.ts'

/** Every fixture kind the runner understands. */
export const kindHandlers: Record<string, KindHandler> = {
  cross_entropy: crossEntropyCase,
  fixmatch_consistency: fixmatchConsistencyCase,
  simclr_info_nce: simclrInfoNceCase,
  simclr_pairwise: simclrPairwiseCase,
  sgd_nesterov: sgdNesterovCase,
  ema: emaCase,
  lr_schedule: lrScheduleCase,
  augment_op: augmentOpCase,
  color_op: colorOpCase,
  wrn_forward: wrnForwardCase,
  flexmatch_masking: flexmatchMaskingCase,
  freematch_masking: freematchMaskingCase,
  freematch_fairness: freematchFairnessCase
}
