// Weight initialisers as in the study's PyTorch code, drawn from the run's
// seeded Rng so that a run's initial weights are reproducible.
import type { Rng } from '../../../shared/rng.ts'

/** `count` samples from N(0, std^2). */
export function normalValues(rng: Rng, count: number, std: number): Float32Array {
  const values = new Float32Array(count)
  for (let i = 0; i < count; i++) values[i] = rng.normal() * std
  return values
}

/**
 * kaiming_normal_(mode='fan_out', nonlinearity='leaky_relu', a=0):
 * std = sqrt(2 / (outChannels * kh * kw)). Returned in tfjs HWIO layout; the
 * samples are i.i.d., so the layout does not change the distribution.
 */
export function kaimingNormalConv(rng: Rng, kh: number, kw: number, inChannels: number, outChannels: number): Float32Array {
  const fanOut = outChannels * kh * kw
  return normalValues(rng, kh * kw * inChannels * outChannels, Math.sqrt(2 / fanOut))
}

/** xavier_normal_ (gain 1): std = sqrt(2 / (fanIn + fanOut)), tfjs [in, out] layout. */
export function xavierNormalDense(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  return normalValues(rng, fanIn * fanOut, Math.sqrt(2 / (fanIn + fanOut)))
}
