// Conv3D forward as an implicit GEMM: y = conv3d(x, w).
//
// Layout (tfjs): x [B, D, H, W, C] and y [B, OD, OH, OW, OC] channels-last, w [FD, FH, FW, C, OC].
// GEMM C[M, N] = A[M, K] * B[K, N]:
//   m = ((b*OD + od)*OH + oh)*OW + ow     an output voxel,           M = B*OD*OH*OW
//   n = oc                                an output channel,         N = OC
//   k = ((fd*FH + fh)*FW + fw)*C + c      a filter tap and channel,  K = FD*FH*FW*C
//   A[m, k] = x[b, od*SD - PF + fd, oh*SH - PT + fh, ow*SW - PL + fw, c] (0 in the padding),
//   B = w seen as [K, N], C = y seen as [M, N] (plain row-major views, no copies).
// K is split by the filter's (fd, fh) (a group) and (fw, c) (the inner index j = fw*C + c): along w
// neighbouring taps are neighbours in x, so x's flat index is a per-row part (Row.off, from the output
// voxel) plus a per-group part (Group.off) plus j. A group is inside x along d and h when
// Row.lo.xy <= (fd, fh) < Row.hi.xy, and j is inside along w for Row.lo.z <= fw < Row.hi.z. Grouping
// whole rows of taps keeps the inner loop long when C is small (3 colour channels, a 1-channel mask). Tiling and the loop (main) come from src/kernels/tiling.ts at the marker
// ending this file: each thread owns a TM x TN register tile of C, staged through workgroup memory
// or read directly.
// tfjs's webgpu backend prepends the bindings (x, w, result) and `uniforms`. Inputs are read through
// xAt, wAt (and their vec4 forms), which src/kernels/tiling.ts writes for the way each input is bound.

// Conditions combine with `&`, not `&&`: each `&&` is a branch, and in the unrolled loop those made
// SwiftShader's shader compile run away.

fn prologue() {}

fn gemmSize() -> vec3<i32> {
  return uniforms.gemm.xyz;
}

// Groups are the FD*FH rows of filter taps, the inner index (fw, c): FW*C values.
fn kSplit() -> vec2<i32> {
  return vec2<i32>(uniforms.filt.x * uniforms.filt.y, uniforms.filt.z * uniforms.inDims.w);
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
  g: i32,
  f: vec2<i32>,
  off: i32,
}

fn groupOf(g: i32) -> Group {
  let inD = uniforms.inDims;
  let f = vec2<i32>(g / uniforms.filt.y, g % uniforms.filt.y);
  return Group(g, f, (f.x * inD.y + f.y) * inD.z * inD.w);
}

// A[m, g*FW*C + j] = x[base + j] for lo <= j < hi (hi = lo when the row of taps falls in the padding).
struct Span {
  base: i32,
  lo: i32,
  hi: i32,
}

fn spanOf(r: Row, g: Group) -> Span {
  let c = uniforms.inDims.w;
  let inside = all(g.f >= r.lo.xy) & all(g.f < r.hi.xy);
  let lo = max(0, r.lo.z) * c;
  let hi = min(uniforms.filt.z, r.hi.z) * c;
  return Span(r.off + g.off, lo, select(lo, max(lo, hi), inside));
}

fn loadA(s: Span, j: i32) -> f32 {
  let ok = (j >= s.lo) & (j < s.hi);
  return select(0.0, xAt(select(0, s.base + j, ok)), ok);
}

fn loadB(g: Group, j: i32, n: i32) -> f32 {
  let rowLen = uniforms.filt.z * uniforms.inDims.w;
  let ok = (g.g < uniforms.filt.x * uniforms.filt.y) & (n < uniforms.gemm.y);
  return select(0.0, wAt(select(0, (g.g * rowLen + j) * uniforms.gemm.y + n, ok)), ok);
}

// j..j+3 (used when C is a multiple of 4: x is contiguous along j, the padding's bounds fall on
// multiples of C, and every address is a multiple of 4). w is contiguous along n, not j: four loads.
fn loadA4(s: Span, j: i32) -> vec4<f32> {
  let ok = (j >= s.lo) & (j < s.hi);
  return select(vec4<f32>(), xAt4(select(0, s.base + j, ok)), ok);
}

fn loadB4(g: Group, j: i32, n: i32) -> vec4<f32> {
  let rowLen = uniforms.filt.z * uniforms.inDims.w;
  let N = uniforms.gemm.y;
  let ok = (g.g < uniforms.filt.x * uniforms.filt.y) & (n < N);
  let i = select(0, (g.g * rowLen + j) * N + n, ok);
  return select(vec4<f32>(), vec4<f32>(wAt(i), wAt(i + N), wAt(i + 2 * N), wAt(i + 3 * N)), ok);
}

fn storeC(r: Row, n: i32, v: f32) {
  if ((r.m < uniforms.gemm.x) & (n < uniforms.gemm.y)) {
    result[r.m * uniforms.gemm.y + n] = v;
  }
}

{{MAIN}}
