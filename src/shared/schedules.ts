// Learning-rate schedules, per optimiser update k of K total.

export type ScheduleName = 'fixmatch-cosine' | 'cosine' | 'constant'

export interface ScheduleSpec {
  schedule: ScheduleName
  lr: number
  /** floor of the half cosine; 0 when omitted */
  minLr?: number
  totalSteps: number
}

export function learningRate(spec: ScheduleSpec, step: number): number {
  const progress = step / spec.totalSteps
  switch (spec.schedule) {
    case 'fixmatch-cosine':
      // FixMatch paper: lr * cos(7*pi*k / (16*K)); ends at about 0.2*lr.
      return spec.lr * Math.cos((7 * Math.PI * progress) / 16)
    case 'cosine': {
      const minLr = spec.minLr ?? 0
      return minLr + (spec.lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress))
    }
    case 'constant':
      return spec.lr
  }
}
