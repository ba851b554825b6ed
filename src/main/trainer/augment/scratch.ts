// Grow-only scratch buffers, so ops that cannot run in place (filters,
// geometry) still accept dst === src without allocating per call.
let bytes = new Uint8Array(0)

/** A copy of `data` in a reused buffer (valid until the next call). */
export function scratchCopy(data: Uint8Array): Uint8Array {
  if (bytes.length < data.length) bytes = new Uint8Array(data.length)
  const view = bytes.subarray(0, data.length)
  view.set(data)
  return view
}
