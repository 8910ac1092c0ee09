// Plain matrix product C = A * B (row-major A [M, K], B [K, N], C [M, N]) in the same loop as the
// convolution kernels: the benchmark's ceiling for what those reach on an adapter. Tiling and the loop
// (main) come from src/kernels/tiling.ts at the marker ending this file. tfjs's webgpu backend
// prepends the bindings (a, b, result) and `uniforms` (gemm = M, N, K). Inputs are read through aAt,
// bAt (and their vec4 forms), which src/kernels/tiling.ts writes for the way each input is bound.

// Conditions combine with `&`, not `&&`: each `&&` is a branch, and in the unrolled loop those made
// SwiftShader's shader compile run away.

fn prologue() {}

fn gemmSize() -> vec3<i32> {
  return uniforms.gemm.xyz;
}

// One group: the whole K.
fn kSplit() -> vec2<i32> {
  return vec2<i32>(1, uniforms.gemm.z);
}

struct Row {
  m: i32,
}

fn rowOf(m: i32) -> Row {
  return Row(m);
}

struct Group {
  k0: i32,
}

fn groupOf(g: i32) -> Group {
  return Group(g * uniforms.gemm.z);
}

// A[m, k] = a[base + k] for k < hi.
struct Span {
  base: i32,
  hi: i32,
}

fn spanOf(r: Row, g: Group) -> Span {
  return Span(r.m * uniforms.gemm.z, select(0, uniforms.gemm.z, r.m < uniforms.gemm.x));
}

fn loadA(s: Span, i: i32) -> f32 {
  let ok = i < s.hi;
  return select(0.0, aAt(select(0, s.base + i, ok)), ok);
}

fn loadB(g: Group, i: i32, n: i32) -> f32 {
  let k = g.k0 + i;
  let ok = (k < uniforms.gemm.z) & (n < uniforms.gemm.y);
  return select(0.0, bAt(select(0, k * uniforms.gemm.y + n, ok)), ok);
}

// i..i+3 (used when K is a multiple of 4): one vec4 load of a's row; b is contiguous along n, four loads.
fn loadA4(s: Span, i: i32) -> vec4<f32> {
  let ok = i < s.hi;
  return select(vec4<f32>(), aAt4(select(0, s.base + i, ok)), ok);
}

fn loadB4(g: Group, i: i32, n: i32) -> vec4<f32> {
  let N = uniforms.gemm.y;
  let k = g.k0 + i;
  let ok = (k < uniforms.gemm.z) & (n < N);
  let j = select(0, k * N + n, ok);
  return select(vec4<f32>(), vec4<f32>(bAt(j), bAt(j + N), bAt(j + 2 * N), bAt(j + 3 * N)), ok);
}

fn storeC(r: Row, n: i32, v: f32) {
  if ((r.m < uniforms.gemm.x) & (n < uniforms.gemm.y)) {
    result[r.m * uniforms.gemm.y + n] = v;
  }
}

{{MAIN}}
