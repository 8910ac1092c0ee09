// Plain matrix product C = A * B (row-major A [M, K], B [K, N], C [M, N]) in the same loop as the
// convolution kernels: the benchmark's ceiling for what those reach on an adapter. Tiling and the loop
// (main) come from src/kernels/tiling.ts at the marker ending this file. tfjs's webgpu backend prepends the bindings
// (a, b, result) and `uniforms` (gemm = M, N, K).

fn prologue() {}

fn gemmSize() -> vec3<i32> {
  return uniforms.gemm.xyz;
}

struct Row {
  m: i32,
}

fn rowOf(m: i32) -> Row {
  return Row(m);
}

struct Tap {
  k: i32,
}

fn tapOf(k: i32) -> Tap {
  return Tap(k);
}

fn loadA(r: Row, t: Tap) -> f32 {
  let ok = r.m < uniforms.gemm.x && t.k < uniforms.gemm.z;
  return select(0.0, a[select(0, r.m * uniforms.gemm.z + t.k, ok)], ok);
}

fn loadB(t: Tap, n: i32) -> f32 {
  let ok = t.k < uniforms.gemm.z && n < uniforms.gemm.y;
  return select(0.0, b[select(0, t.k * uniforms.gemm.y + n, ok)], ok);
}

fn storeC(r: Row, n: i32, v: f32) {
  if (r.m < uniforms.gemm.x && n < uniforms.gemm.y) {
    result[r.m * uniforms.gemm.y + n] = v;
  }
}

{{MAIN}}
