// Conv3D forward as an implicit GEMM: y = conv3d(x, w).
//
// Layout (tfjs): x [B, D, H, W, C] and y [B, OD, OH, OW, OC] channels-last, w [FD, FH, FW, C, OC].
// GEMM C[M, N] = A[M, K] * B[K, N]:
//   m = ((b*OD + od)*OH + oh)*OW + ow     an output voxel,           M = B*OD*OH*OW
//   n = oc                                an output channel,         N = OC
//   k = ((fd*FH + fh)*FW + fw)*C + c      a filter tap and channel,  K = FD*FH*FW*C
//   A[m, k] = x[b, od*SD - PF + fd, oh*SH - PT + fh, ow*SW - PL + fw, c] (0 in the padding),
//   B = w seen as [K, N], C = y seen as [M, N] (plain row-major views, no copies).
// x's flat index is linear in the position, so it splits into a per-row part (Row.off, from the
// output voxel) plus a per-k part (Tap.off, from the tap and channel); a tap f is inside x when
// Row.lo <= f < Row.hi. Tiling and the loop (main) come from src/kernels/tiling.ts at the marker ending this file:
// each thread owns a TM x TN register tile of C, staged through workgroup memory or read directly.
// tfjs's webgpu backend prepends the bindings (x, w, result) and `uniforms`.

// floor(n / d) for 0 <= n < 2^22, from inv = 1/d: a float estimate, then one correction either way.
fn divFloor(n: i32, d: i32, inv: f32) -> i32 {
  let q = i32(f32(n) * inv);
  return q + select(0, 1, (q + 1) * d <= n) - select(0, 1, q * d > n);
}

fn prologue() {}

fn gemmSize() -> vec3<i32> {
  return uniforms.gemm.xyz;
}

struct Row {
  m: i32,
  off: i32,
  lo: vec3<i32>,
  hi: vec3<i32>,
}

fn rowOf(m: i32) -> Row {
  let inD = uniforms.inDims;    // D, H, W, C
  let outD = uniforms.outDims;  // OD, OH, OW, OC
  let ow = m % outD.z;
  let oh = (m / outD.z) % outD.y;
  let od = (m / (outD.z * outD.y)) % outD.x;
  let b = m / (outD.z * outD.y * outD.x);
  let base = vec3<i32>(od, oh, ow) * uniforms.stride.xyz - uniforms.pad.xyz;
  let off = (((b * inD.x + base.x) * inD.y + base.y) * inD.z + base.z) * inD.w;
  let inside = m < uniforms.gemm.x;
  // An empty tap range for rows past M.
  return Row(m, off, -base, select(-base, inD.xyz - base, inside));
}

struct Tap {
  k: i32,
  off: i32,
  f: vec3<i32>,
}

fn tapOf(k: i32) -> Tap {
  let inD = uniforms.inDims;
  let f = uniforms.filt;  // FD, FH, FW, B
  let tap = divFloor(k, inD.w, uniforms.invIn.w);
  let c = k - tap * inD.w;
  let tw = divFloor(tap, f.z, uniforms.invFilt.z);
  let fd = divFloor(tw, f.y, uniforms.invFilt.y);
  let fhw = vec3<i32>(fd, tw - fd * f.y, tap - tw * f.z);
  let off = ((fhw.x * inD.y + fhw.y) * inD.z + fhw.z) * inD.w + c;
  // Taps past K fall outside every row's range.
  return Tap(k, off, select(fhw, vec3<i32>(1 << 30), k >= uniforms.gemm.z));
}

fn loadA(r: Row, t: Tap) -> f32 {
  let ok = all(t.f >= r.lo) && all(t.f < r.hi);
  return select(0.0, x[select(0, r.off + t.off, ok)], ok);
}

fn loadB(t: Tap, n: i32) -> f32 {
  let ok = t.k < uniforms.gemm.z && n < uniforms.gemm.y;
  return select(0.0, w[select(0, t.k * uniforms.gemm.y + n, ok)], ok);
}

fn storeC(r: Row, n: i32, v: f32) {
  if (r.m < uniforms.gemm.x && n < uniforms.gemm.y) {
    result[r.m * uniforms.gemm.y + n] = v;
  }
}

{{MAIN}}
