// The input gradient of a strided convolution as ONE stride-1 forward
// convolution (which XNNPACK runs far faster than wasm's loop-based
// Conv2DBackpropInput), followed by a pixel shuffle.
//
// Per spatial axis, forward: y[o] = sum_k x[o*s + k*d - p] * w[k]. So
//   dx[i] = sum over (o, k) with o*s + k*d - p = i of dy[o] * w[k].
// Split i = q*s + r by phase r: tap k feeds phase r iff (k*d - r - p) is a
// multiple of s, and then o = q - e with e = (k*d - r - p) / s. Over dy padded
// by P = max(e) in front, tap k sits at offset t = P - e, so every phase is a
// plain correlation dx_r[q] = sum_t dyPadded[q + t] * v_r[t] sharing one
// padding and one window of T = P - min(e) + 1 taps. Stacking the phases as
// output channels (phase-major) and shuffling them into space (DepthToSpace)
// gives dx.

export interface AxisTap {
  /** Index into the forward filter. */
  k: number
  /** Offset inside the phase filter. */
  t: number
}

export interface AxisPlan {
  filterSize: number
  stride: number
  /** taps[r]: the filter taps that feed phase r. */
  taps: AxisTap[][]
  /** Size of the phase filter. */
  window: number
  /** Padding of dy: [before, after] (negative = crop). */
  padding: [number, number]
  /** Rows per phase: ceil(inSize / stride). */
  perPhase: number
}

export function planAxis(filterSize: number, stride: number, dilation: number, padBefore: number, inSize: number, outSize: number): AxisPlan {
  const raw: { k: number; e: number; r: number }[] = []
  for (let k = 0; k < filterSize; k++) {
    const r = mod(k * dilation - padBefore, stride)
    raw.push({ k, e: (k * dilation - r - padBefore) / stride, r })
  }
  const maxE = Math.max(...raw.map((tap) => tap.e))
  const minE = Math.min(...raw.map((tap) => tap.e))
  const window = maxE - minE + 1
  const perPhase = Math.ceil(inSize / stride)
  const taps: AxisTap[][] = Array.from({ length: stride }, () => [])
  for (const { k, e, r } of raw) taps[r].push({ k, t: maxE - e })
  // Correlation output size = outSize + before + after - window + 1 = perPhase.
  return { filterSize, stride, taps, window, padding: [maxE, perPhase - outSize - maxE + window - 1], perPhase }
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n
}

/**
 * The phase filters of a conv2d input gradient, stacked as one HWIO filter
 * [Ty, Tx, Cout, phases*Cin] (phase = ry*sx + rx, phase-major channels).
 * `w` holds the forward filter [kh, kw, Cin, Cout].
 */
export function conv2dPhaseFilter(w: Float32Array, cin: number, cout: number, py: AxisPlan, px: AxisPlan): Float32Array {
  const kw = px.filterSize
  const phases = py.stride * px.stride
  const out = new Float32Array(py.window * px.window * cout * phases * cin)
  for (let ry = 0; ry < py.stride; ry++) {
    for (let rx = 0; rx < px.stride; rx++) {
      const phase = ry * px.stride + rx
      for (const ty of py.taps[ry]) {
        for (const tx of px.taps[rx]) {
          const src = (ty.k * kw + tx.k) * cin * cout
          const dst = (ty.t * px.window + tx.t) * cout * phases * cin + phase * cin
          for (let ci = 0; ci < cin; ci++) {
            for (let co = 0; co < cout; co++) out[dst + co * phases * cin + ci] = w[src + ci * cout + co]
          }
        }
      }
    }
  }
  return out
}

/**
 * The phase filters of a depthwise input gradient as one depthwise filter
 * [Ty, Tx, C*m, phases]: channel c*m+j of dy feeds phase p of channel c.
 * `w` holds the forward filter [kh, kw, C, m].
 */
export function depthwisePhaseFilter(w: Float32Array, channels: number, multiplier: number, py: AxisPlan, px: AxisPlan): Float32Array {
  const kw = px.filterSize
  const phases = py.stride * px.stride
  const depth = channels * multiplier
  const out = new Float32Array(py.window * px.window * depth * phases)
  for (let ry = 0; ry < py.stride; ry++) {
    for (let rx = 0; rx < px.stride; rx++) {
      const phase = ry * px.stride + rx
      for (const ty of py.taps[ry]) {
        for (const tx of px.taps[rx]) {
          const src = (ty.k * kw + tx.k) * depth
          const dst = (ty.t * px.window + tx.t) * depth * phases + phase
          for (let q = 0; q < depth; q++) out[dst + q * phases] = w[src + q]
        }
      }
    }
  }
  return out
}
