// Conv3D forward as a tiled implicit GEMM: y = conv3d(x, w).
//
// Layout (tfjs): x [B, D, H, W, C] and y [B, OD, OH, OW, OC] channels-last, w [FD, FH, FW, C, OC].
// The GEMM C[M, N] = A[M, K] * B[K, N]:
//   m = ((b*OD + od)*OH + oh)*OW + ow     an output voxel,             M = B*OD*OH*OW
//   n = oc                                an output channel,           N = OC
//   k = ((fd*FH + fh)*FW + fw)*C + c      a filter tap and channel,    K = FD*FH*FW*C
//   A[m, k] = x[b, od*SD - PF + fd, oh*SH - PT + fh, ow*SW - PL + fw, c] (0 in the padding),
//   B = w seen as [K, N], C = y seen as [M, N]: both plain row-major views, no copy.
// Tiling: a workgroup of WX x WY threads owns a BM x BN block of C (BM = WY*TM, BN = WX*TN), each
// thread a TM x TN register tile. K is walked in slices of KT: the workgroup stages A[BM x KT] (the
// im2col gather, done once per element) and B[KT x BN] in workgroup memory, then every thread
// multiplies its TM rows by its TN columns of the slice. {{...}} markers are filled by
// src/kernels/tiling.ts; tfjs's webgpu backend prepends the bindings (x, w, result) and `uniforms`.

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

fn loadA(m: i32, k: i32) -> f32 {
  let inD = uniforms.inDims;    // D, H, W, C
  let outD = uniforms.outDims;  // OD, OH, OW, OC
  let f = uniforms.filt;        // FD, FH, FW, B
  let qw = divFloor(m, outD.z, uniforms.invOut.z);
  let qh = divFloor(qw, outD.y, uniforms.invOut.y);
  let b = divFloor(qh, outD.x, uniforms.invOut.x);
  let ow = m - qw * outD.z;
  let oh = qw - qh * outD.y;
  let od = qh - b * outD.x;
  let tap = divFloor(k, inD.w, uniforms.invIn.w);
  let c = k - tap * inD.w;
  let tw = divFloor(tap, f.z, uniforms.invFilt.z);
  let fd = divFloor(tw, f.y, uniforms.invFilt.y);
  let fw = tap - tw * f.z;
  let fh = tw - fd * f.y;
  let pos = vec3<i32>(od, oh, ow) * uniforms.stride.xyz - uniforms.pad.xyz + vec3<i32>(fd, fh, fw);
  // m >= M shows up as b >= B and k >= K as fd >= FD.
  let ok = b < f.w && fd < f.x && all(pos >= vec3<i32>(0)) && all(pos < inD.xyz);
  let idx = (((b * inD.x + pos.x) * inD.y + pos.y) * inD.z + pos.z) * inD.w + c;
  return select(0.0, x[select(0, idx, ok)], ok);
}

fn loadB(k: i32, n: i32) -> f32 {
  let ok = k < uniforms.gemm.z && n < uniforms.gemm.y;
  return select(0.0, w[select(0, k * uniforms.gemm.y + n, ok)], ok);
}

fn storeC(m: i32, n: i32, v: f32) {
  if (m < uniforms.gemm.x && n < uniforms.gemm.y) {
    result[m * uniforms.gemm.y + n] = v;
  }
}

fn main() {
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
