// Conv3DBackpropFilterV2 (dw, the filter gradient of conv3d) as an implicit GEMM.
//
// Layout (tfjs): x [B, D, H, W, C] and dy [B, OD, OH, OW, OC] channels-last, dw [FD, FH, FW, C, OC].
// dw[fd, fh, fw, c, oc] = sum over b, od, oh, ow of x[b, od*SD - PF + fd, ..., c] * dy[b, od, oh, ow, oc]:
//   m = ((fd*FH + fh)*FW + fw)*C + c      a filter tap and input channel,   M = FD*FH*FW*C
//   n = oc                                an output channel,               N = OC
//   k = ((b*OD + od)*OH + oh)*OW + ow     an output voxel (the reduction),  K = B*OD*OH*OW
//   A[m, k] = x[b, od*SD - PF + fd, oh*SH - PT + fh, ow*SW - PL + fw, c] (0 in the padding),
//   B = dy seen as [K, N], C = dw seen as [M, N].
// x's flat index splits into a per-row part (Row.off, from the tap and channel) plus a per-k part
// (Tap.off, from the output voxel); the tap Row.f is inside x when Tap.lo <= f < Tap.hi. Tiling and
// the loop (main) come from src/kernels/tiling.ts at the marker ending this file. tfjs's webgpu backend prepends the
// bindings (x, dy, result) and `uniforms`.

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
  f: vec3<i32>,
}

fn rowOf(m: i32) -> Row {
  let inD = uniforms.inDims;  // D, H, W, C
  let fs = uniforms.filt;     // FD, FH, FW, B
  let c = m % inD.w;
  let tap = m / inD.w;
  let f = vec3<i32>(tap / (fs.z * fs.y), (tap / fs.z) % fs.y, tap % fs.z);
  let off = ((f.x * inD.y + f.y) * inD.z + f.z) * inD.w + c;
  // Rows past M get a tap outside every range.
  return Row(m, off, select(f, vec3<i32>(1 << 30), m >= uniforms.gemm.x));
}

struct Tap {
  k: i32,
  off: i32,
  lo: vec3<i32>,
  hi: vec3<i32>,
}

fn tapOf(k: i32) -> Tap {
  let inD = uniforms.inDims;
  let outD = uniforms.outDims;  // OD, OH, OW, OC
  let qw = divFloor(k, outD.z, uniforms.invOut.z);
  let qh = divFloor(qw, outD.y, uniforms.invOut.y);
  let b = divFloor(qh, outD.x, uniforms.invOut.x);
  let o = vec3<i32>(qh - b * outD.x, qw - qh * outD.y, k - qw * outD.z);
  let base = o * uniforms.stride.xyz - uniforms.pad.xyz;
  let off = (((b * inD.x + base.x) * inD.y + base.y) * inD.z + base.z) * inD.w;
  return Tap(k, off, -base, select(-base, inD.xyz - base, k < uniforms.gemm.z));
}

fn loadA(r: Row, t: Tap) -> f32 {
  let ok = all(r.f >= t.lo) && all(r.f < t.hi);
  return select(0.0, x[select(0, r.off + t.off, ok)], ok);
}

fn loadB(t: Tap, n: i32) -> f32 {
  let ok = t.k < uniforms.gemm.z && n < uniforms.gemm.y;
  return select(0.0, dy[select(0, t.k * uniforms.gemm.y + n, ok)], ok);
}

fn storeC(r: Row, n: i32, v: f32) {
  if (r.m < uniforms.gemm.x && n < uniforms.gemm.y) {
    result[r.m * uniforms.gemm.y + n] = v;
  }
}

{{MAIN}}
