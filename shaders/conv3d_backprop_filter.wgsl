// Conv3DBackpropFilterV2 (dw, the filter gradient of conv3d) as a tiled implicit GEMM.
//
// Layout (tfjs): x [B, D, H, W, C] and dy [B, OD, OH, OW, OC] channels-last, dw [FD, FH, FW, C, OC].
// dw[fd, fh, fw, c, oc] = sum over b, od, oh, ow of x[b, od*SD - PF + fd, ..., c] * dy[b, od, oh, ow, oc]:
//   m = ((fd*FH + fh)*FW + fw)*C + c     a filter tap and input channel,  M = FD*FH*FW*C
//   n = oc                                an output channel,              N = OC
//   k = ((b*OD + od)*OH + oh)*OW + ow     an output voxel (the reduction), K = B*OD*OH*OW
//   A[m, k] = x[b, od*SD - PF + fd, oh*SH - PT + fh, ow*SW - PL + fw, c] (0 in the padding),
//   B = dy seen as [K, N], C = dw seen as [M, N].
// Tiling as in conv3d_forward.wgsl: a workgroup of WX x WY threads owns a BM x BN block of C, each
// thread a TM x TN register tile; K slices of KT are staged in workgroup memory. {{...}} markers are
// filled by src/kernels/tiling.ts; tfjs's webgpu backend prepends the bindings (x, dy, result) and
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

fn loadA(m: i32, k: i32) -> f32 {
  let inD = uniforms.inDims;    // D, H, W, C
  let outD = uniforms.outDims;  // OD, OH, OW, OC
  let f = uniforms.filt;        // FD, FH, FW, B
  let tap = divFloor(m, inD.w, uniforms.invIn.w);
  let c = m - tap * inD.w;
  let tw = divFloor(tap, f.z, uniforms.invFilt.z);
  let fd = divFloor(tw, f.y, uniforms.invFilt.y);
  let qw = divFloor(k, outD.z, uniforms.invOut.z);
  let qh = divFloor(qw, outD.y, uniforms.invOut.y);
  let b = divFloor(qh, outD.x, uniforms.invOut.x);
  let o = vec3<i32>(qh - b * outD.x, qw - qh * outD.y, k - qw * outD.z);
  let pos = o * uniforms.stride.xyz - uniforms.pad.xyz + vec3<i32>(fd, tw - fd * f.y, tap - tw * f.z);
  // m >= M shows up as fd >= FD and k >= K as b >= B.
  let ok = b < f.w && fd < f.x && all(pos >= vec3<i32>(0)) && all(pos < inD.xyz);
  let idx = (((b * inD.x + pos.x) * inD.y + pos.y) * inD.z + pos.z) * inD.w + c;
  return select(0.0, x[select(0, idx, ok)], ok);
}

fn loadB(k: i32, n: i32) -> f32 {
  let ok = k < uniforms.gemm.z && n < uniforms.gemm.y;
  return select(0.0, dy[select(0, k * uniforms.gemm.y + n, ok)], ok);
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
