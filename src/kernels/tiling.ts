// Tile choice and the generated main() of the implicit-GEMM shaders in shaders/*.wgsl.
//
// Each shader file holds one operation's index math, factored as a GEMM C[M, N] = A[M, K] B[K, N], and
// ends with a `{{MAIN}}` line. K is split as G groups of KI (k = g*KI + i): a group is a filter tap, or
// a row of output voxels, over whose inner index i (a channel, or a voxel along w) A's address grows by a
// fixed step, so the bounds work is done once per (row, group) and the inner loop is loads and FMAs:
//   prologue()           per-workgroup setup;   gemmSize() -> (M, N, K);   kSplit() -> (G, KI);
//   rowOf(m) -> Row      what a row of A and C needs (once per row);
//   groupOf(g) -> Group  what group g of K needs (once per group);
//   spanOf(row, group) -> Span   where A[m, g*KI + i] lives, and for which i it is inside the input;
//   loadA(span, i), loadB(group, i, n), storeC(row, n, v);
//   loadA4(span, i), loadB4(group, i, n): the values at inner indices i..i+3 as a vec4 (VK = 4 only).
// Shaders read their inputs through <name>At(i) and <name>At4(i) (generated here, see accessors()), so
// the same text works whether an input is bound as array<f32> or array<vec4<f32>>.
// main() is generated here, in one of two loop structures, fully unrolled over the thread's TM x TN
// register tile (one named scalar accumulator per output):
//   'shared'  the classic GPU tiling: the workgroup stages A[BM x KT] and B[KT x BN] in workgroup memory
//             (the im2col gather done once per element), then each thread multiplies its rows and
//             columns of the slice. Right for real GPUs.
//   'direct'  no workgroup memory: each thread reads its TM values of A and TN values of B straight from
//             the storage buffers for every k. On SwiftShader (WebGPU on the CPU) workgroup-memory reads
//             and barriers cost more than the storage reads they would save; the CPU's caches do the tiling.
//             With VK = 4 it steps the inner index by 4 and multiplies vec4s with dot(): an input whose
//             inner index is contiguous in memory is then read with one vec4 load instead of four, and
//             SwiftShader's loads cost more than the multiply-adds they feed.
// Unrolled code matters on SwiftShader: it does not unroll loops and keeps a private array indexed by a
// loop counter in memory, read element by element, far slower than named scalars. The generated code
// and the shaders avoid `&&`/`||`: each is a branch, and in unrolled code SwiftShader's compile ran away
// on them. The measurements behind these choices: docs/kernels.md, "How they work".

export type KernelMode = 'shared' | 'direct';

export interface TileConfig {
  mode: KernelMode;
  /** Rows (M) and columns (N) of C each thread accumulates in registers. */
  TM: number;
  TN: number;
  /** Threads along N (x) and M (y) in a workgroup. */
  WX: number;
  WY: number;
  /** K slice staged in workgroup memory per step ('shared' only). */
  KT: number;
  /** Inner indices per load: 4 reads vec4s along K ('direct' only, when the caller's inner sizes allow). */
  VK: 1 | 4;
}

const nextPow2 = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * Tile sizes for C[M, N]. 'shared' uses powers of two throughout (the staging loops split flat indices
 * with shifts and masks) and at most 64 threads; `sharedBytes` is the device's workgroup-storage limit.
 * 'direct' uses 16 x 8 tiles (the fastest on SwiftShader with scalar loads; wider tiles with vec4 loads
 * sped up single layers but not training: docs/kernels.md, "How they work" and "History"), or exactly N
 * columns when N < 8 so the video (3) and mask (1) heads waste nothing, and exactly M rows when M < 16
 * (M is the batch where a conv has one output voxel: the logit, the first layers' gradients), in fixed
 * 64-thread workgroups laid along the long side: few distinct shaders, since each is slow for
 * SwiftShader to compile. Threads past M or N return early. `vectorK`: every group's inner size is a
 * multiple of 4 and the shader's vec4 reads are aligned, so 'direct' may step K by 4.
 */
export function chooseTiles(mode: KernelMode, M: number, N: number, sharedBytes: number, vectorK = false): TileConfig {
  if (mode === 'direct') {
    const TM = Math.min(16, M);
    const VK = vectorK ? 4 : 1;
    if (N < 8) return { mode, TM, TN: N, WX: 1, WY: 64, KT: 1, VK };
    if (M < 16) return { mode, TM, TN: 8, WX: 64, WY: 1, KT: 1, VK };
    return { mode, TM, TN: 8, WX: 8, WY: 8, KT: 1, VK };
  }
  const TN = Math.min(8, nextPow2(N));
  const WX = clamp(nextPow2(Math.ceil(N / TN)), 1, 8);
  const TM = Math.min(8, nextPow2(M));
  const WY = clamp(nextPow2(Math.ceil(M / TM)), 1, Math.min(64 / WX, 32));
  const BM = TM * WY;
  const BN = TN * WX;
  // Largest power-of-two K slice (≤ 32) whose A and B tiles fit in workgroup memory.
  let KT = 32;
  while (KT > 1 && (BM + BN) * KT * 4 > sharedBytes) KT /= 2;
  return { mode, TM, TN, WX, WY, KT, VK: 1 };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const log2 = (n: number) => Math.round(Math.log2(n));
const lines = (n: number, f: (i: number) => string, indent: string) => range(n).map(f).join(`\n${indent}`);

function accumulators(t: TileConfig, indent: string): string {
  return lines(
    t.TM,
    (i) =>
      range(t.TN)
        .map((j) => `var acc_${i}_${j} = 0.0;`)
        .join(' '),
    indent,
  );
}

function multiplyAdd(t: TileConfig, indent: string): string {
  const term = (i: number, j: number) => (t.VK === 4 ? `dot(a${i}, b${j})` : `a${i} * b${j}`);
  return lines(
    t.TM,
    (i) =>
      range(t.TN)
        .map((j) => `acc_${i}_${j} += ${term(i, j)};`)
        .join(' '),
    indent,
  );
}

function stores(t: TileConfig, indent: string): string {
  return lines(
    t.TM,
    (i) =>
      range(t.TN)
        .map((j) => `storeC(row${i}, n0 + ${j}, acc_${i}_${j});`)
        .join(' '),
    indent,
  );
}

function directMain(t: TileConfig): string {
  const v = t.VK === 4 ? '4' : '';
  return `fn main() {
  prologue();
  let size = gemmSize();
  let split = kSplit();
  let m0 = (i32(workgroupId.y) * ${t.WY} + i32(localId.y)) * ${t.TM};
  let n0 = (i32(workgroupId.x) * ${t.WX} + i32(localId.x)) * ${t.TN};
  if ((m0 >= size.x) | (n0 >= size.y)) {
    return;
  }
  ${lines(t.TM, (i) => `let row${i} = rowOf(m0 + ${i});`, '  ')}
  ${accumulators(t, '  ')}
  for (var g = 0; g < split.x; g++) {
    let group = groupOf(g);
    ${lines(t.TM, (i) => `let span${i} = spanOf(row${i}, group);`, '    ')}
    for (var i = 0; i < split.y; i += ${t.VK}) {
      ${lines(t.TM, (r) => `let a${r} = loadA${v}(span${r}, i);`, '      ')}
      ${lines(t.TN, (j) => `let b${j} = loadB${v}(group, i, n0 + ${j});`, '      ')}
      ${multiplyAdd(t, '      ')}
    }
  }
  ${stores(t, '  ')}
}`;
}

function sharedMain(t: TileConfig): string {
  const BM = t.TM * t.WY;
  const BN = t.TN * t.WX;
  const NT = t.WX * t.WY;
  return `var<workgroup> As: array<f32, ${BM * t.KT}>;
var<workgroup> Bs: array<f32, ${BN * t.KT}>;

fn main() {
  prologue();
  let size = gemmSize();
  let li = i32(localIndex);
  let tx = i32(localId.x);
  let ty = i32(localId.y);
  let mBlock = i32(workgroupId.y) * ${BM};
  let nBlock = i32(workgroupId.x) * ${BN};
  ${accumulators(t, '  ')}
  let split = kSplit();
  for (var k0 = 0; k0 < size.z; k0 += ${t.KT}) {
    for (var e = li; e < ${BM * t.KT}; e += ${NT}) {
      let k = k0 + (e >> ${log2(BM)}u);
      let g = k / split.y;
      let a = loadA(spanOf(rowOf(mBlock + (e & ${BM - 1})), groupOf(g)), k - g * split.y);
      As[e] = select(0.0, a, k < size.z);
    }
    for (var e = li; e < ${BN * t.KT}; e += ${NT}) {
      let k = k0 + (e >> ${log2(BN)}u);
      let g = k / split.y;
      Bs[e] = select(0.0, loadB(groupOf(g), k - g * split.y, nBlock + (e & ${BN - 1})), k < size.z);
    }
    workgroupBarrier();
    for (var kk = 0; kk < ${t.KT}; kk++) {
      let aRow = kk * ${BM} + ty * ${t.TM};
      let bCol = kk * ${BN} + tx * ${t.TN};
      ${lines(t.TM, (i) => `let a${i} = As[aRow + ${i}];`, '      ')}
      ${lines(t.TN, (j) => `let b${j} = Bs[bCol + ${j}];`, '      ')}
      ${multiplyAdd(t, '      ')}
    }
    workgroupBarrier();
  }
  let m0 = mBlock + ty * ${t.TM};
  let n0 = nBlock + tx * ${t.TN};
  ${lines(t.TM, (i) => `let row${i} = rowOf(m0 + ${i});`, '  ')}
  ${stores(t, '  ')}
}`;
}

/**
 * <name>At(i) and <name>At4(i) for each input: the element at flat index i and the four from i (i a
 * multiple of 4 where the input is bound as vec4s, which `components` says).
 */
function accessors(inputs: Array<{ name: string; components: 1 | 4 }>): string {
  return inputs
    .map(({ name, components }) =>
      components === 4
        ? `fn ${name}At(i: i32) -> f32 { return ${name}[i >> 2u][i & 3]; }
fn ${name}At4(i: i32) -> vec4<f32> { return ${name}[i >> 2u]; }`
        : `fn ${name}At(i: i32) -> f32 { return ${name}[i]; }
fn ${name}At4(i: i32) -> vec4<f32> { return vec4<f32>(${name}[i], ${name}[i + 1], ${name}[i + 2], ${name}[i + 3]); }`,
    )
    .join('\n');
}

const MAIN_MARKER = /^\{\{MAIN\}\}$/m;

/**
 * The shader: accessors for `inputs`, then the operation's file with its `{{MAIN}}` line replaced by
 * the generated main().
 */
export function fillTemplate(template: string, t: TileConfig, inputs: Array<{ name: string; components: 1 | 4 }>): string {
  if (!MAIN_MARKER.test(template)) throw new Error('shader template has no {{MAIN}} line');
  const main = t.mode === 'direct' ? directMain(t) : sharedMain(t);
  return `${accessors(inputs)}\n${template.replace(MAIN_MARKER, () => main)}`;
}

/** Workgroup counts covering C[M, N] with this tiling, times `layers` independent products. */
export function gridFor(M: number, N: number, t: TileConfig, layers = 1): [number, number, number] {
  return [Math.ceil(N / (t.TN * t.WX)), Math.ceil(M / (t.TM * t.WY)), layers];
}
