// Named starting points for a run's config. Every preset is a partial config
// over the schema's defaults, checked like any other config.
import { resolveConfig, type RunConfig, type Variant } from './config.ts'

export interface Preset {
  description: string
  config: Partial<RunConfig>
  /** variants that `compare` runs when none are given */
  defaultVariants: Variant[]
}

/** The study's FixMatch recipe, shared by the CIFAR presets. */
const STUDY_RECIPE: Partial<RunConfig> = {
  labelsPerClass: 4,
  steps: 2 ** 20,
  batchSize: 64,
  mu: 7,
  threshold: 0.95,
  lr: 0.03,
  // the study's code: per-update half cosine down to 0.00585 (= 0.03*cos(7pi/16))
  schedule: 'cosine',
  minLr: 0.00585,
  emaDecay: 0.999,
  evalEvery: 1024,
  logEvery: 64,
  checkpointEvery: 4096
}

export const PRESETS: Record<string, Preset> = {
  'mnist-quick': {
    description: 'the embedded MNIST digits, 4 labels per class, a small CNN: minutes on a CPU',
    config: {
      dataset: 'mnist',
      labelsPerClass: 4,
      model: 'small-cnn',
      // 600 steps keep S+O+U within ~11 minutes on a 2-core CPU (wasm); measured at 1000 steps:
      // S 55.7, O 93.0 top-1, with O already at 90.3 by step 600 (of a 1000-step schedule).
      steps: 600,
      batchSize: 32,
      mu: 2,
      threshold: 0.8,
      lr: 0.03,
      schedule: 'fixmatch-cosine',
      // a short run: the EMA must follow the weights within ~100 steps
      emaDecay: 0.99,
      evalEvery: 100,
      logEvery: 10,
      checkpointEvery: 250
    },
    defaultVariants: ['S', 'O', 'U']
  },
  'cifar10-40': {
    description: "the study's setting: CIFAR-10 with 40 labels, WRN-28-2, 2^20 steps (about a day on a GPU)",
    config: { ...STUDY_RECIPE, dataset: 'cifar10', model: 'wrn-28-2', weightDecay: 5e-4 },
    defaultVariants: ['O', 'L', 'U']
  },
  'cifar100-400': {
    description: 'CIFAR-100 with 400 labels, WRN-28-8, weight decay 1e-3, 2^20 steps',
    config: { ...STUDY_RECIPE, dataset: 'cifar100', model: 'wrn-28-8', weightDecay: 1e-3 },
    defaultVariants: ['O', 'L', 'U']
  }
}

export function presetNames(): string[] {
  return Object.keys(PRESETS)
}

export function getPreset(name: string): Preset {
  const preset = PRESETS[name]
  if (!preset) throw new Error(`unknown preset "${name}" (available: ${presetNames().join(', ')})`)
  return preset
}

/** The preset's config, then each override layer, all checked. */
export function configFromPreset(name: string, ...overrides: Record<string, unknown>[]): RunConfig {
  return resolveConfig(getPreset(name).config, ...overrides)
}
