// Conv3DBackpropFilterV2 (dw, the filter gradient of conv3d) as an implicit GEMM.
//
// Layout (tfjs): x [B, D, H, W, C] and dy [B, OD, OH, OW, OC] channels-last, dw [FD, FH, FW, C, OC].
// dw[fd, fh, fw, c, oc] = sum over b, od, oh, ow of x[b, od*SD - PF + fd, ..., c] * dy[b, od, oh, ow, oc]:
//   m = ((fd*FH + fh)*FW + fw)*C + c      a filter tap and input channel,   M = FD*FH*FW*C
//   n = oc                                an output channel,               N = OC
//   k = ((b*OD + od)*OH + oh)*OW + ow     an output voxel (the reduction),  K = B*OD*OH*OW
//   A[m, k] = x[b, od*SD - PF + fd, oh*SH - PT + fh, ow*SW - PL + fw, c] (0 in the padding),
//   B = dy seen as [K, N], C = dw seen as [M, N].
// K is split by (b, od, oh) (a group) and ow (the inner index): x's flat index is a per-row part
// (Row.off, from the tap and channel) plus a per-group part (Group.off) plus ow*SW*C; the row's tap is
// inside x along d and h when Group.lo <= (fd, fh) < Group.hi, and along w for Row.owLo <= ow < Row.owHi. Tiling and
// the loop (main) come from src/kernels/tiling.ts at the marker ending this file. tfjs's webgpu
// backend prepends the bindings (x, dy, result) and `uniforms`. Inputs are read through xAt, dyAt (and
// their vec4 forms), which src/kernels/tiling.ts writes for the way each input is bound.

// Conditions combine with `&`, not `&&`: each `&&` is a branch, and in the unrolled loop those made
// SwiftShader's shader compile run away.

fn prologue() {}

fn gemmSize() -> vec3<i32> {
  return uniforms.gemm.xyz;
}

// Groups are the B*OD*OH rows of output voxels, the inner index ow.
fn kSplit() -> vec2<i32> {
  let outD = uniforms.outDims;
  return vec2<i32>(uniforms.filt.w * outD.x * outD.y, outD.z);
}

struct Row {
  m: i32,
  off: i32,
  f: vec2<i32>,
  owLo: i32,
  owHi: i32,
}

fn rowOf(m: i32) -> Row {
  let inD = uniforms.inDims;  // D, H, W, C
  let fs = uniforms.filt;     // FD, FH, FW, B
  let sw = uniforms.stride.z;
  let pl = uniforms.pad.z;
  let c = m % inD.w;
  let tap = m / inD.w;
  let f = vec3<i32>(tap / (fs.z * fs.y), (tap / fs.z) % fs.y, tap % fs.z);
  let off = ((f.x * inD.y + f.y) * inD.z + f.z - pl) * inD.w + c;
  // ow*SW - PL + fw must lie in [0, W).
  let first = pl - f.z;
  let owLo = select(0, (first + sw - 1) / sw, first > 0);
  let last = inD.z - 1 + pl - f.z;
  let owHi = select(0, min(uniforms.outDims.z, last / sw + 1), (last >= 0) & (m < uniforms.gemm.x));
  return Row(m, off, f.xy, owLo, max(owLo, owHi));
}

struct Group {
  k0: i32,
  off: i32,
  lo: vec2<i32>,
  hi: vec2<i32>,
}

fn groupOf(g: i32) -> Group {
  let inD = uniforms.inDims;
  let outD = uniforms.outDims;  // OD, OH, OW, OC
  let oh = g % outD.y;
  let od = (g / outD.y) % outD.x;
  let b = g / (outD.y * outD.x);
  let base = vec2<i32>(od, oh) * uniforms.stride.xy - uniforms.pad.xy;
  let off = ((b * inD.x + base.x) * inD.y + base.y) * inD.z * inD.w;
  let inside = b < uniforms.filt.w;
  return Group(g * outD.z, off, -base, select(-base, inD.xy - base, inside));
}

// A[m, g*OW + ow] = x[base + ow*SW*C] for lo <= ow < hi.
struct Span {
  base: i32,
  lo: i32,
  hi: i32,
}

fn spanOf(r: Row, g: Group) -> Span {
  let inside = all(r.f >= g.lo) & all(r.f < g.hi);
  return Span(r.off + g.off, r.owLo, select(r.owLo, r.owHi, inside));
}

fn loadA(s: Span, ow: i32) -> f32 {
  let ok = (ow >= s.lo) & (ow < s.hi);
  return select(0.0, xAt(select(0, s.base + ow * uniforms.stride.z * uniforms.inDims.w, ok)), ok);
}

fn loadB(g: Group, ow: i32, n: i32) -> f32 {
  let k = g.k0 + ow;
  let ok = (k < uniforms.gemm.z) & (n < uniforms.gemm.y);
  return select(0.0, dyAt(select(0, k * uniforms.gemm.y + n, ok)), ok);
}

fn storeC(r: Row, n: i32, v: f32) {
  if ((r.m < uniforms.gemm.x) & (n < uniforms.gemm.y)) {
    result[r.m * uniforms.gemm.y + n] = v;
  }
}

{{MAIN}}
