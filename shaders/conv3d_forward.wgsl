// Conv3D forward as an implicit GEMM: y = conv3d(x, w).
//
// Layout (tfjs): x [B, D, H, W, C] and y [B, OD, OH, OW, OC] channels-last, w [FD, FH, FW, C, OC].
// GEMM C[M, N] = A[M, K] * B[K, N]:
//   m = ((b*OD + od)*OH + oh)*OW + ow     an output voxel,           M = B*OD*OH*OW
//   n = oc                                an output channel,         N = OC
//   k = ((fd*FH + fh)*FW + fw)*C + c      a filter tap and channel,  K = FD*FH*FW*C
//   A[m, k] = x[b, od*SD - PF + fd, oh*SH - PT + fh, ow*SW - PL + fw, c] (0 in the padding),
//   B = w seen as [K, N], C = y seen as [M, N] (plain row-major views, no copies).
// K is split by filter tap (a group) and channel (the inner index): x's flat index is a per-row part
// (Row.off, from the output voxel) plus a per-tap part (Group.off) plus c, and a tap f is inside x
// when Row.lo <= f < Row.hi. Tiling and the loop (main) come from src/kernels/tiling.ts at the marker
// ending this file: each thread owns a TM x TN register tile of C, staged through workgroup memory
// or read directly.
// tfjs's webgpu backend prepends the bindings (x, w, result) and `uniforms`.

// Conditions combine with `&`, not `&&`: each `&&` is a branch, and in the unrolled loop those made
// SwiftShader's shader compile run away.

fn prologue() {}

fn gemmSize() -> vec3<i32> {
  return uniforms.gemm.xyz;
}

// Groups are the FD*FH*FW filter taps, the inner index the C input channels.
fn kSplit() -> vec2<i32> {
  return vec2<i32>(uniforms.filt.x * uniforms.filt.y * uniforms.filt.z, uniforms.inDims.w);
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
  // An empty tap range for rows past M.
  return Row(m, off, -base, select(-base, inD.xyz - base, m < uniforms.gemm.x));
}

struct Group {
  tap: i32,
  f: vec3<i32>,
  off: i32,
}

fn groupOf(g: i32) -> Group {
  let inD = uniforms.inDims;
  let fs = uniforms.filt;  // FD, FH, FW, B
  let f = vec3<i32>(g / (fs.z * fs.y), (g / fs.z) % fs.y, g % fs.z);
  return Group(g, f, ((f.x * inD.y + f.y) * inD.z + f.z) * inD.w);
}

// A[m, g*C + c] = x[base + c] for c < hi (hi = 0 when the tap falls in the padding).
struct Span {
  base: i32,
  hi: i32,
}

fn spanOf(r: Row, g: Group) -> Span {
  let inside = all(g.f >= r.lo) & all(g.f < r.hi);
  return Span(r.off + g.off, select(0, uniforms.inDims.w, inside));
}

fn loadA(s: Span, c: i32) -> f32 {
  let ok = c < s.hi;
  return select(0.0, x[select(0, s.base + c, ok)], ok);
}

fn loadB(g: Group, c: i32, n: i32) -> f32 {
  let ok = (g.tap < uniforms.filt.x * uniforms.filt.y * uniforms.filt.z) & (n < uniforms.gemm.y);
  return select(0.0, w[select(0, (g.tap * uniforms.inDims.w + c) * uniforms.gemm.y + n, ok)], ok);
}

fn storeC(r: Row, n: i32, v: f32) {
  if ((r.m < uniforms.gemm.x) & (n < uniforms.gemm.y)) {
    result[r.m * uniforms.gemm.y + n] = v;
  }
}

{{MAIN}}
