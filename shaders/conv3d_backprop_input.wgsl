// Conv3DBackpropInputV2 (the transposed convolution, dx of conv3d) as an implicit GEMM.
//
// Layout (tfjs): dy [B, OD, OH, OW, OC] and dx [B, D, H, W, C] channels-last, w [FD, FH, FW, C, OC];
// the forward conv maps dx-shaped inputs to dy-shaped outputs: od*SD - PF + fd = d.
// With stride s only the taps fd = d + PF (mod s) reach an output d, so the outputs are split into
// SD*SH*SW classes by (d mod SD, h mod SH, w mod SW) (workgroup z), each a dense GEMM without the zero
// taps a plain implicit GEMM over all FD*FH*FW taps would multiply (7/8 of them for k4 s2):
//   m = ((b*nD + jd)*nH + jh)*nW + jw    output d = cD + SD*jd (cD: class),   M = B*nD*nH*nW, nD = ceil(D/SD)
//   n = c                                an input channel of the conv,     N = C
//   k = ((td*TH + th)*TW + tw)*OC + oc   filter tap fd = rD + SD*td,       K = TD*TH*TW*OC, TD = ceil(FD/SD)
//   A[m, k] = dy[b, baseD + jd - td, baseH + jh - th, baseW + jw - tw, oc], where rD = (cD + PF) mod SD
//             and baseD = (cD + PF - rD) / SD (0 outside dy or for taps past the filter),
//   B[k, n] = w[fd, fh, fw, n, oc], C = dx.
// K is split by class tap t (a group) and oc (the inner index): dy's flat index is a per-row part
// (Row.off) plus a per-tap part (Group.off) plus oc, and t is inside dy when Row.lo <= t < Row.hi. Tiling and the loop (main) come from src/kernels/tiling.ts
// at the marker ending this file. tfjs's webgpu backend prepends the bindings (dy, w, result) and
// `uniforms`. Inputs are read through dyAt, wAt (and their vec4 forms), which src/kernels/tiling.ts
// writes for the way each input is bound.

// This workgroup's class: its first output coordinate, filter-tap residue and dy offset.
// Conditions combine with `&`, not `&&`: each `&&` is a branch, and in the unrolled loop those made
// SwiftShader's shader compile run away.

var<private> classStart: vec3<i32>;
var<private> classTap: vec3<i32>;
var<private> classBase: vec3<i32>;

fn prologue() {
  let s = uniforms.stride.xyz;
  let cls = i32(workgroupId.z);
  classStart = vec3<i32>(cls / (s.z * s.y), (cls / s.z) % s.y, cls % s.z);
  let shifted = classStart + uniforms.pad.xyz;
  // The residue in [0, s): tfjs's 'same' padding is negative when the filter is shorter than the stride,
  // and WGSL's % keeps the sign of a negative left side.
  classTap = ((shifted % s) + s) % s;
  classBase = (shifted - classTap) / s;
}

fn gemmSize() -> vec3<i32> {
  return uniforms.gemm.xyz;
}

// Groups are the TD*TH*TW class taps, the inner index the OC channels of dy.
fn kSplit() -> vec2<i32> {
  let n = uniforms.taps;
  return vec2<i32>(n.x * n.y * n.z, uniforms.outDims.w);
}

struct Row {
  off: i32,
  lo: vec3<i32>,
  hi: vec3<i32>,
  out: i32,
  stored: bool,
}

fn rowOf(m: i32) -> Row {
  let inD = uniforms.inDims;    // D, H, W, C
  let outD = uniforms.outDims;  // OD, OH, OW, OC
  let sub = uniforms.sub;       // nD, nH, nW
  let j = vec3<i32>((m / (sub.z * sub.y)) % sub.x, (m / sub.z) % sub.y, m % sub.z);
  let b = m / (sub.z * sub.y * sub.x);
  let o = classBase + j;  // dy's coordinate for tap 0
  let off = (((b * outD.x + o.x) * outD.y + o.y) * outD.z + o.z) * outD.w;
  let pos = classStart + uniforms.stride.xyz * j;
  let inside = m < uniforms.gemm.x;
  let out = (((b * inD.x + pos.x) * inD.y + pos.y) * inD.z + pos.z) * inD.w;
  // Rows past M get an empty tap range.
  let lo = o - outD.xyz + 1;
  return Row(off, lo, select(lo, o + 1, inside), out, inside & all(pos < inD.xyz));
}

struct Group {
  t: vec3<i32>,
  off: i32,
  w: i32,
  ok: bool,
}

fn groupOf(g: i32) -> Group {
  let outD = uniforms.outDims;  // OD, OH, OW, OC
  let fs = uniforms.filt;       // FD, FH, FW, B
  let n = uniforms.taps;        // TD, TH, TW
  let t = vec3<i32>(g / (n.z * n.y), (g / n.z) % n.y, g % n.z);
  let f = classTap + uniforms.stride.xyz * t;
  let ok = all(f < fs.xyz) & (g < n.x * n.y * n.z);
  let off = -((t.x * outD.y + t.y) * outD.z + t.z) * outD.w;
  let wOff = ((f.x * fs.y + f.y) * fs.z + f.z) * uniforms.inDims.w * outD.w;
  // Taps past the filter fall outside every row's range.
  return Group(select(vec3<i32>(1 << 30), t, ok), off, wOff, ok);
}

// A[m, g*OC + oc] = dy[base + oc] for oc < hi (hi = 0 when the tap reads outside dy).
struct Span {
  base: i32,
  hi: i32,
}

fn spanOf(r: Row, g: Group) -> Span {
  let inside = all(g.t >= r.lo) & all(g.t < r.hi);
  return Span(r.off + g.off, select(0, uniforms.outDims.w, inside));
}

fn loadA(s: Span, oc: i32) -> f32 {
  let ok = oc < s.hi;
  return select(0.0, dyAt(select(0, s.base + oc, ok)), ok);
}

fn loadB(g: Group, oc: i32, n: i32) -> f32 {
  let ok = g.ok & (n < uniforms.gemm.y);
  return select(0.0, wAt(select(0, g.w + n * uniforms.outDims.w + oc, ok)), ok);
}

// oc..oc+3 in one vec4 load each (used when OC is a multiple of 4: both are contiguous along oc, the
// bounds are the same for all four, and every address is a multiple of 4).
fn loadA4(s: Span, oc: i32) -> vec4<f32> {
  let ok = oc < s.hi;
  return select(vec4<f32>(), dyAt4(select(0, s.base + oc, ok)), ok);
}

fn loadB4(g: Group, oc: i32, n: i32) -> vec4<f32> {
  let ok = g.ok & (n < uniforms.gemm.y);
  return select(vec4<f32>(), wAt4(select(0, g.w + n * uniforms.outDims.w + oc, ok)), ok);
}

fn storeC(r: Row, n: i32, v: f32) {
  if (r.stored & (n < uniforms.gemm.y)) {
    result[r.out + n] = v;
  }
}

{{MAIN}}
