// Comparisons of computed values against a fixture's expected tensors.

export interface Check {
  /** What was compared, e.g. "loss" or "grad_logits". */
  name: string
  pass: boolean
  /** Largest |got - want|. */
  worstAbs: number
  /** Largest |got - want| / (atol + rtol*|want|); <= 1 passes. */
  worstRatio: number
  detail?: string
}

type Numeric = ArrayLike<number>

/** Elementwise |got - want| <= atol + rtol*|want| (numpy.allclose semantics). */
export function checkClose(name: string, got: Numeric, want: Numeric, atol: number, rtol: number): Check {
  if (got.length !== want.length) {
    return { name, pass: false, worstAbs: Infinity, worstRatio: Infinity, detail: `length ${got.length}, expected ${want.length}` }
  }
  let worstAbs = 0
  let worstRatio = 0
  for (let i = 0; i < want.length; i++) {
    const diff = Math.abs(got[i] - want[i])
    const allowed = atol + rtol * Math.abs(want[i])
    const ratio = Number.isNaN(diff) ? Infinity : allowed > 0 ? diff / allowed : diff === 0 ? 0 : Infinity
    if (diff > worstAbs || Number.isNaN(diff)) worstAbs = Number.isNaN(diff) ? Infinity : diff
    if (ratio > worstRatio) worstRatio = ratio
  }
  return { name, pass: worstRatio <= 1, worstAbs, worstRatio }
}

/** Exact equality, for integer outputs such as pseudo-labels. */
export function checkEqual(name: string, got: Numeric, want: Numeric): Check {
  if (got.length !== want.length) {
    return { name, pass: false, worstAbs: Infinity, worstRatio: Infinity, detail: `length ${got.length}, expected ${want.length}` }
  }
  let mismatches = 0
  let worstAbs = 0
  for (let i = 0; i < want.length; i++) {
    const diff = Math.abs(got[i] - want[i])
    if (diff !== 0) mismatches++
    worstAbs = Math.max(worstAbs, diff)
  }
  return { name, pass: mismatches === 0, worstAbs, worstRatio: mismatches === 0 ? 0 : Infinity, detail: mismatches ? `${mismatches} differ` : undefined }
}

/**
 * Image tolerance for augment ops: mean and max absolute difference in uint8
 * units and the share of values off by more than 8. worstRatio is the largest
 * of the three measured/allowed ratios.
 */
export function checkImage(
  name: string,
  got: Numeric,
  want: Numeric,
  tolerance: { mean_abs?: number; max_abs?: number; frac_pixels_off_by_more_than_8?: number }
): Check {
  if (got.length !== want.length) {
    return { name, pass: false, worstAbs: Infinity, worstRatio: Infinity, detail: `length ${got.length}, expected ${want.length}` }
  }
  let sum = 0
  let max = 0
  let offBy8 = 0
  for (let i = 0; i < want.length; i++) {
    const diff = Math.abs(got[i] - want[i])
    sum += diff
    if (diff > max) max = diff
    if (diff > 8) offBy8++
  }
  const meanAbs = sum / want.length
  const frac = offBy8 / want.length
  const ratio = (value: number, limit: number | undefined): number => (limit === undefined ? 0 : limit > 0 ? value / limit : value === 0 ? 0 : Infinity)
  const worstRatio = Math.max(ratio(meanAbs, tolerance.mean_abs), ratio(max, tolerance.max_abs), ratio(frac, tolerance.frac_pixels_off_by_more_than_8))
  return {
    name,
    pass: worstRatio <= 1,
    worstAbs: max,
    worstRatio,
    detail: `mean_abs ${meanAbs.toFixed(3)}, max_abs ${max}, frac>8 ${frac.toFixed(4)}`
  }
}
