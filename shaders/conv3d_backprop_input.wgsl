// Conv3DBackpropInputV2 (the transposed convolution, dx of conv3d) as a tiled implicit GEMM.
//
// Layout (tfjs): dy [B, OD, OH, OW, OC] and dx [B, D, H, W, C] channels-last, w [FD, FH, FW, C, OC];
// the forward conv maps dx-shaped inputs to dy-shaped outputs: od*SD - PF + fd = d.
// With stride s only the taps fd = d + PF (mod s) reach an output d, so outputs are split into
// SD*SH*SW classes by (d mod SD, h mod SH, w mod SW) (workgroup z), each a dense GEMM without the
// zero taps a plain implicit GEMM over all FD*FH*FW taps would multiply (7/8 of them for k4 s2):
//   m = ((b*nD + jd)*nH + jh)*nW + jw    output d = cD + SD*jd (cD = class), M = B*nD*nH*nW, nD = ceil(D/SD)
//   n = c                                an input channel of the conv,  N = C
//   k = ((td*TH + th)*TW + tw)*OC + oc   class tap fd = rD + SD*td,     K = TD*TH*TW*OC, TD = ceil(FD/SD)
//   A[m, k] = dy[b, baseD + jd - td, ...] with rD = (cD + PF) mod SD, baseD = (cD + PF - rD) / SD
//             (0 outside dy or for taps past the filter), B[k, n] = w[fd, fh, fw, n, oc], C = dx.
// Tiling as in conv3d_forward.wgsl: a workgroup of WX x WY threads owns a BM x BN block of C, each
// thread a TM x TN register tile; K slices of KT are staged in workgroup memory. {{...}} markers are
// filled by src/kernels/tiling.ts; tfjs's webgpu backend prepends the bindings (dy, w, result) and
// `uniforms`.

const TM = {{TM}};
const TN = {{TN}};
const BM = {{BM}};
const BN = {{BN}};
const NT = {{NT}};
const KT = {{KT}};

var<workgroup> As: array<f32, {{BM}} * {{KT}}>;
var<workgroup> Bs: array<f32, {{BN}} * {{KT}}>;

// floor(n / d) for 0 <= n < 2^22, from inv = 1/d: a float estimate, then one correction either way.
fn divFloor(n: i32, d: i32, inv: f32) -> i32 {
  let q = i32(f32(n) * inv);
  return q + select(0, 1, (q + 1) * d <= n) - select(0, 1, q * d > n);
}

// This workgroup's class: first output coordinate cD/cH/cW, tap residue r, and dy offset base.
var<private> classStart: vec3<i32>;
var<private> classTap: vec3<i32>;
var<private> classBase: vec3<i32>;

fn setClass(cls: i32) {
  let s = uniforms.stride.xyz;
  let cw = cls % s.z;
  let ch = (cls / s.z) % s.y;
  let cd = cls / (s.z * s.y);
  classStart = vec3<i32>(cd, ch, cw);
  let shifted = classStart + uniforms.pad.xyz;
  classTap = shifted % s;
  classBase = (shifted - classTap) / s;
}

// (b, jd, jh, jw) of a row m: its output is dx[b, classStart + stride * j].
fn rowCoords(m: i32) -> vec4<i32> {
  let sub = uniforms.sub;
  let qw = divFloor(m, sub.z, uniforms.invSub.z);
  let qh = divFloor(qw, sub.y, uniforms.invSub.y);
  let b = divFloor(qh, sub.x, uniforms.invSub.x);
  return vec4<i32>(b, qh - b * sub.x, qw - qh * sub.y, m - qw * sub.z);
}

// (td, th, tw, oc) of a column k of A (a row of B): the class tap t is filter tap classTap + stride * t.
fn tapCoords(k: i32) -> vec4<i32> {
  let t = uniforms.taps;
  let tap = divFloor(k, uniforms.outDims.w, uniforms.invOut.w);
  let qw = divFloor(tap, t.z, uniforms.invTaps.z);
  let td = divFloor(qw, t.y, uniforms.invTaps.y);
  return vec4<i32>(td, qw - td * t.y, tap - qw * t.z, k - tap * uniforms.outDims.w);
}

fn loadA(m: i32, k: i32) -> f32 {
  let outD = uniforms.outDims;  // OD, OH, OW, OC
  let row = rowCoords(m);
  let tap = tapCoords(k);
  let f = classTap + uniforms.stride.xyz * tap.xyz;
  let o = classBase + row.yzw - tap.xyz;
  let ok = row.x < uniforms.filt.w && all(f < uniforms.filt.xyz) && all(o >= vec3<i32>(0)) && all(o < outD.xyz);
  let idx = (((row.x * outD.x + o.x) * outD.y + o.y) * outD.z + o.z) * outD.w + tap.w;
  return select(0.0, dy[select(0, idx, ok)], ok);
}

fn loadB(k: i32, n: i32) -> f32 {
  let fs = uniforms.filt;
  let tap = tapCoords(k);
  let f = classTap + uniforms.stride.xyz * tap.xyz;
  let ok = all(f < fs.xyz) && n < uniforms.gemm.y;
  let idx = (((f.x * fs.y + f.y) * fs.z + f.z) * uniforms.gemm.y + n) * uniforms.outDims.w + tap.w;
  return select(0.0, w[select(0, idx, ok)], ok);
}

fn storeC(m: i32, n: i32, v: f32) {
  let inD = uniforms.inDims;  // D, H, W, C
  let row = rowCoords(m);
  let pos = classStart + uniforms.stride.xyz * row.yzw;
  if (row.x < uniforms.filt.w && all(pos < inD.xyz) && n < inD.w) {
    result[(((row.x * inD.x + pos.x) * inD.y + pos.y) * inD.z + pos.z) * inD.w + n] = v;
  }
}

fn main() {
  setClass(i32(workgroupId.z));
  let li = i32(localIndex);
  let tx = i32(localId.x);
  let ty = i32(localId.y);
  let mBlock = i32(workgroupId.y) * BM;
  let nBlock = i32(workgroupId.x) * BN;
  {{ACC_DECL}}
  for (var k0 = 0; k0 < uniforms.gemm.z; k0 += KT) {
    for (var e = li; e < BM * KT; e += NT) {
      As[e] = loadA(mBlock + (e & (BM - 1)), k0 + (e >> {{LOG_BM}}));
    }
    for (var e = li; e < BN * KT; e += NT) {
      Bs[e] = loadB(k0 + (e >> {{LOG_BN}}), nBlock + (e & (BN - 1)));
    }
    workgroupBarrier();
    for (var kk = 0; kk < KT; kk++) {
      let aRow = kk * BM + ty * TM;
      let bCol = kk * BN + tx * TN;
      {{MMA}}
    }
    workgroupBarrier();
  }
  let m0 = mBlock + ty * TM;
  let n0 = nBlock + tx * TN;
  {{STORE}}
}
