// `fixmatch-lab bench augment`: single-threaded throughput of the batch
// augmenter on random 32x32x3 uint8 images: weak+strong view pairs per second
// and SimCLR views per second. Progress on stderr; --json adds a JSON object
// as the last stdout line.
import { Rng } from '../../shared/rng.ts'
import { BatchAugmenter } from '../../main/trainer/augment/batch.ts'
import { parseFlags, positiveInt } from '../args.ts'

const USAGE = `Usage: fixmatch-lab bench augment [--images N] [--seconds S] [--json]

Measures, on one thread, weak+strong view pairs per second and SimCLR views per
second on N random 32x32x3 images (default 448, one FixMatch unlabeled batch),
about S seconds each (default 3) after a short warm-up. Rates are per wall-clock
second (compared with the goals) and per second of this process's CPU time
(steadier when other work shares the machine).`

const GOAL_WEAK_STRONG = 10_000
const GOAL_SIMCLR = 5_600
// CIFAR-10 statistics, as the training loop will normalise.
const MEAN = [0.4914, 0.4822, 0.4465]
const STD = [0.2471, 0.2435, 0.2616]

interface Rate {
  /** Images per wall-clock second: what a training loop would see now. */
  wall: number
  /** Images per second of this process's CPU time: less sensitive to other load on the machine. */
  cpu: number
}

/** Repeats `batch` for about `seconds` of wall time. */
function measure(seconds: number, imagesPerBatch: number, batch: () => void): Rate {
  let done = 0
  const cpuStart = process.cpuUsage()
  const start = process.hrtime.bigint()
  const limit = BigInt(Math.round(seconds * 1e9))
  let elapsed = 0n
  while (elapsed < limit) {
    batch()
    done += imagesPerBatch
    elapsed = process.hrtime.bigint() - start
  }
  const cpu = process.cpuUsage(cpuStart)
  return { wall: done / (Number(elapsed) / 1e9), cpu: done / ((cpu.user + cpu.system) / 1e6) }
}

export async function benchAugmentCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { images: { type: 'string' }, seconds: { type: 'string' }, json: { type: 'boolean' } }, USAGE)
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const images = positiveInt('images', values.images, 448)
  const seconds = positiveInt('seconds', values.seconds, 3)
  const shape = { height: 32, width: 32, channels: 3 }
  const size = shape.height * shape.width * shape.channels
  const rng = new Rng(1234)
  const data = new Uint8Array(images * size)
  for (let i = 0; i < data.length; i++) data[i] = rng.nextUint32() & 0xff
  const augmenter = new BatchAugmenter(shape, { mean: MEAN, std: STD })
  const weakOut = new Float32Array(images * size)
  const strongOut = new Float32Array(images * size)
  const simclrOut = new Float32Array(images * size)
  const weakStrong = (): void => augmenter.weakStrong(data, images, rng, weakOut, strongOut)
  const simclr = (): void => augmenter.simclr(data, images, rng, simclrOut)

  process.stderr.write(`bench augment: ${images} images of 32x32x3, ${seconds}s per measurement, warming up...\n`)
  const warmup = Math.min(0.5, seconds / 4)
  measure(warmup, images, weakStrong)
  measure(warmup, images, simclr)
  process.stderr.write('bench augment: weak+strong...\n')
  const weakStrongRate = measure(seconds, images, weakStrong)
  process.stderr.write('bench augment: simclr...\n')
  const simclrRate = measure(seconds, images, simclr)
  const weakStrongPairsPerSecond = weakStrongRate.wall
  const simclrViewsPerSecond = simclrRate.wall

  const fmt = (v: number): string => Math.round(v).toLocaleString('en-US')
  const line = (label: string, rate: Rate, goal: number): string =>
    `${label.padEnd(24)}${fmt(rate.wall).padStart(8)} /s wall, ${fmt(rate.cpu).padStart(8)} /s per CPU second  (goal ${fmt(goal)}: ${rate.wall >= goal ? 'met' : 'NOT met'})`
  console.log(line('weak+strong view pairs', weakStrongRate, GOAL_WEAK_STRONG))
  console.log(line('SimCLR views', simclrRate, GOAL_SIMCLR))
  if (values.json) {
    console.log(
      JSON.stringify({
        bench: 'augment',
        images,
        seconds,
        height: shape.height,
        width: shape.width,
        channels: shape.channels,
        weakStrongPairsPerSecond: Math.round(weakStrongPairsPerSecond),
        simclrViewsPerSecond: Math.round(simclrViewsPerSecond),
        weakStrongPairsPerCpuSecond: Math.round(weakStrongRate.cpu),
        simclrViewsPerCpuSecond: Math.round(simclrRate.cpu),
        goalWeakStrong: GOAL_WEAK_STRONG,
        goalSimclr: GOAL_SIMCLR,
        meetsGoals: weakStrongPairsPerSecond >= GOAL_WEAK_STRONG && simclrViewsPerSecond >= GOAL_SIMCLR
      })
    )
  }
  return 0
}
