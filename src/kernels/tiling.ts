// Tile choice and the generated parts of the implicit-GEMM shaders in shaders/*.wgsl.
//
// The WGSL files hold the index math of each convolution and the tile loop; what depends on the tile
// size is generated here, fully unrolled: one scalar accumulator per output of the thread's TM x TN tile.
// Unrolled code matters on SwiftShader (WebGPU on the CPU): it does not unroll loops, keeps a private
// array indexed by a loop counter in memory and reads it element by element, which measured 8x slower
// than named scalars. Every memory read (storage or workgroup) costs a per-lane gather there, about as
// much as 25 multiply-adds, so the tile is sized to reuse each loaded value TN or TM times.

export interface TileConfig {
  /** Rows (M) and columns (N) of C each thread accumulates in registers. */
  TM: number;
  TN: number;
  /** Threads along N (x) and M (y) in a workgroup. */
  WX: number;
  WY: number;
  /** K slice staged in workgroup memory per step. */
  KT: number;
}

const nextPow2 = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** At most this many threads per workgroup: each barrier costs SwiftShader a coroutine switch per 4 threads. */
const MAX_THREADS = 64;

/**
 * Tile sizes for a C[M, N] = A[M, K] B[K, N] product. Powers of two throughout, so the shaders split
 * flat indices with shifts and masks. `sharedBytes` is the device's workgroup-storage limit.
 */
export function chooseTiles(M: number, N: number, sharedBytes: number): TileConfig {
  const forced = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.VGAN_TILES;
  if (forced) { const [TM, TN, WX, WY, KT] = forced.split(',').map(Number); return { TM, TN, WX, WY, KT }; }
  const TN = Math.min(8, nextPow2(N));
  const WX = clamp(nextPow2(Math.ceil(N / TN)), 1, 8);
  const TM = Math.min(8, nextPow2(M));
  const WY = clamp(nextPow2(Math.ceil(M / TM)), 1, Math.min(MAX_THREADS / WX, 32));
  const BM = TM * WY;
  const BN = TN * WX;
  // Largest power-of-two K slice (≤ 32) whose A and B tiles fit in workgroup memory.
  let KT = 32;
  while (KT > 1 && (BM + BN) * KT * 4 > sharedBytes) KT /= 2;
  return { TM, TN, WX, WY, KT };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const log2 = (n: number) => Math.round(Math.log2(n));

/**
 * Fills a shader template: `{{NAME}}` takes a tile constant (TM, TN, WX, WY, KT, BM, BN, NT and their
 * base-2 logarithms as LOG_BM, ...), and three markers take generated code:
 *   {{ACC_DECL}}   declare the TM*TN accumulators;
 *   {{MMA}}        inside `for (kk ...)`: read the thread's TM values of A and TN values of B from the
 *                  staged tiles As[kk*BM + row], Bs[kk*BN + col] and multiply-add them;
 *   {{STORE}}      hand each accumulator to the template's `storeC(m, n, v)`, given `m0`, `n0`.
 * Rows of a thread are ty*TM + i and columns tx*TN + j (ty, tx: local thread coordinates).
 */
export function fillTemplate(template: string, t: TileConfig): string {
  const BM = t.TM * t.WY;
  const BN = t.TN * t.WX;
  const NT = t.WX * t.WY;
  const values: Record<string, number> = {
    TM: t.TM, TN: t.TN, WX: t.WX, WY: t.WY, KT: t.KT, BM, BN, NT,
    LOG_BM: log2(BM), LOG_BN: log2(BN), LOG_KT: log2(t.KT),
  };
  const acc = (i: number, j: number) => `acc_${i}_${j}`;
  const blocks: Record<string, string> = {
    ACC_DECL: range(t.TM).map((i) => range(t.TN).map((j) => `var ${acc(i, j)} = 0.0;`).join(' ')).join('\n  '),
    MMA: [
      ...range(t.TM).map((i) => `let a${i} = As[aRow + ${i}];`),
      ...range(t.TN).map((j) => `let b${j} = Bs[bCol + ${j}];`),
      ...range(t.TM).map((i) => range(t.TN).map((j) => `${acc(i, j)} += a${i} * b${j};`).join(' ')),
    ].join('\n      '),
    STORE: range(t.TM)
      .map((i) => range(t.TN).map((j) => `storeC(m0 + ${i}, n0 + ${j}, ${acc(i, j)});`).join(' '))
      .join('\n  '),
  };
  const out = template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (name in blocks) return blocks[name];
    if (name in values) return String(values[name]);
    throw new Error(`unknown template marker {{${name}}}`);
  });
  return out;
}

/** Workgroup counts for a grid of BM x BN blocks over C[M, N], times `layers` independent products. */
export function gridFor(M: number, N: number, t: TileConfig, layers = 1): [number, number, number] {
  return [Math.ceil(N / (t.TN * t.WX)), Math.ceil(M / (t.TM * t.WY)), layers];
}

/** The shaders divide with `divFloor` (a float reciprocal plus one correction step): exact below this. */
export const MAX_FLOAT_DIVIDEND = 2 ** 22;
