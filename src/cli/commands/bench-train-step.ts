// `fixmatch-lab bench train-step`: images/s of supervised training steps.
import { BACKEND_CHOICES } from '../../main/trainer/backend.ts'
import { BENCH_INPUTS, runTrainStepBench, type BenchInput } from '../../main/trainer/train-step-bench.ts'
import { CliError, oneOf, parseFlags, positiveInt } from '../args.ts'

const MODELS = ['wrn-28-2', 'wrn-28-8', 'small-cnn'] as const
const INPUTS = Object.keys(BENCH_INPUTS) as BenchInput[]

const USAGE = `Usage: fixmatch-lab bench train-step [options]

Times K supervised training steps (forward in training mode, softmax
cross-entropy, gradients, SGD) on random images after W warm-up steps.

  --backend ${BACKEND_CHOICES.join('|')}   (default auto)
  --model ${MODELS.join('|')}   (default wrn-28-2)
  --input ${INPUTS.join('|')}   32x32x3 or 28x28x1 images (default cifar)
  --batch N      images per step (default 16)
  --steps K      timed steps (default 3)
  --warmup W     untimed steps first (default 1)
  --seed S       model init and data (default 1)
  --profile      also time one step per kernel and print the breakdown
  --json         print the result as one JSON object, the last stdout line`

export async function benchTrainStepCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      backend: { type: 'string' },
      model: { type: 'string' },
      input: { type: 'string' },
      batch: { type: 'string' },
      steps: { type: 'string' },
      warmup: { type: 'string' },
      seed: { type: 'string' },
      profile: { type: 'boolean' },
      json: { type: 'boolean' }
    },
    USAGE
  )
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const warmup = values.warmup === undefined ? 1 : Number(values.warmup)
  if (!Number.isInteger(warmup) || warmup < 0) throw new CliError(`--warmup must be a non-negative integer, got "${values.warmup}"`)
  const result = await runTrainStepBench({
    backend: oneOf('backend', values.backend, BACKEND_CHOICES, 'auto'),
    model: oneOf('model', values.model, MODELS, 'wrn-28-2'),
    input: oneOf('input', values.input, INPUTS, 'cifar'),
    batch: positiveInt('batch', values.batch, 16),
    steps: positiveInt('steps', values.steps, 3),
    warmup,
    seed: positiveInt('seed', values.seed, 1),
    learningRate: 0.01,
    profile: values.profile === true,
    log: (line) => console.error(line)
  })
  if (result.profile) {
    const total = result.profile.reduce((sum, k) => sum + k.ms, 0)
    console.error(`per-kernel time of one step (${total.toFixed(0)} ms in kernels):`)
    for (const k of result.profile.slice(0, 25)) {
      console.error(
        `  ${k.kernel.padEnd(28)} ${String(k.calls).padStart(5)} calls ${k.ms.toFixed(1).padStart(9)} ms ${((100 * k.ms) / total).toFixed(1).padStart(5)}%`
      )
    }
  }
  console.error(
    `${result.model} on ${result.backend}, batch ${result.batch}: ${result.imagesPerSecond.toFixed(2)} images/s ` +
      `(${result.secondsPerStep.toFixed(3)} s/step, fastest ${result.minSecondsPerStep.toFixed(3)} s, ${result.cpuSecondsPerStep.toFixed(3)} s CPU/step); ` +
      `tensors ${result.numTensorsBefore} -> ${result.numTensorsAfter}`
  )
  if (result.adapter) {
    const software = result.adapter.software ? ': a software device (CPU emulation), so these figures say nothing about GPU speed' : ''
    console.error(`adapter: ${result.device}${software}`)
  }
  if (values.json) console.log(JSON.stringify(result))
  return 0
}
