// How our kernels are checked against tfjs's cpu backend, shared by the tests (tests/gpu) and the
// in-browser check (kernels-check.html): seeded inputs, and one error measure.

/** Deterministic uniform values in [-1, 1) (xorshift32), so a failing case can be rerun exactly. */
export function randomValues(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** max|got - want| / max(1, max|want|): relative to the output's scale, absolute below 1. */
export function relativeError(got: Float32Array, want: Float32Array): number {
  if (got.length !== want.length) throw new Error(`length ${got.length} != ${want.length}`);
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}
