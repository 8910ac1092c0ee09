// Tile choice for the implicit-GEMM shaders (src/kernels/tiling.ts): every thread's tile lies inside
// C where C is narrow, so no thread multiplies rows or columns that do not exist.
import { describe, expect, it } from 'vitest';
import { chooseTiles, fillTemplate, gridFor } from '../../src/kernels/tiling';

const SHARED_BYTES = 16384;

describe('direct tiles (SwiftShader)', () => {
  it('16 x 8 in 8 x 8 threads for large C', () => {
    expect(chooseTiles('direct', 4096, 512, SHARED_BYTES)).toEqual({ mode: 'direct', TM: 16, TN: 8, WX: 8, WY: 8, KT: 1, VK: 1 });
  });

  it('exactly N columns when N < 8 (the video and mask heads)', () => {
    expect(chooseTiles('direct', 131072, 3, SHARED_BYTES)).toMatchObject({ TM: 16, TN: 3, WX: 1, WY: 64 });
  });

  it('exactly M rows when M < 16 (one output voxel per batch element), threads along N', () => {
    const t = chooseTiles('direct', 1, 100, SHARED_BYTES);
    expect(t).toMatchObject({ TM: 1, TN: 8, WX: 64, WY: 1 });
    expect(gridFor(1, 100, t)).toEqual([1, 1, 1]);
    expect(chooseTiles('direct', 8, 512, SHARED_BYTES)).toMatchObject({ TM: 8, TN: 8, WX: 64, WY: 1 });
    expect(chooseTiles('direct', 1, 1, SHARED_BYTES)).toMatchObject({ TM: 1, TN: 1 });
  });

  it('the grid covers C, times the independent products', () => {
    const t = chooseTiles('direct', 1000, 70, SHARED_BYTES);
    const [x, y, z] = gridFor(1000, 70, t, 8);
    expect(x * t.WX * t.TN).toBeGreaterThanOrEqual(70);
    expect(y * t.WY * t.TM).toBeGreaterThanOrEqual(1000);
    expect(z).toBe(8);
  });
});

describe('vec4 loads along K', () => {
  it("step K by 4 in the 'direct' loop when the caller allows it, never in 'shared'", () => {
    expect(chooseTiles('direct', 4096, 512, SHARED_BYTES, true).VK).toBe(4);
    expect(chooseTiles('direct', 1, 100, SHARED_BYTES, true).VK).toBe(4);
    expect(chooseTiles('direct', 4096, 512, SHARED_BYTES).VK).toBe(1);
    expect(chooseTiles('shared', 4096, 512, SHARED_BYTES, true).VK).toBe(1);
  });

  it('main() reads vec4s and multiplies them with dot()', () => {
    const code = fillTemplate('{{MAIN}}\n', chooseTiles('direct', 2, 3, SHARED_BYTES, true), []);
    expect(code).toContain('i += 4');
    expect(code).toContain('loadA4(span1, i)');
    expect(code).toContain('loadB4(group, i, n0 + 2)');
    expect(code).toContain('acc_1_2 += dot(a1, b2);');
  });

  it('accessors match the binding: vec4-bound inputs index their vec4s', () => {
    const tiles = chooseTiles('direct', 2, 3, SHARED_BYTES, true);
    const code = fillTemplate('{{MAIN}}\n', tiles, [
      { name: 'x', components: 4 },
      { name: 'w', components: 1 },
    ]);
    expect(code).toContain('fn xAt(i: i32) -> f32 { return x[i >> 2u][i & 3]; }');
    expect(code).toContain('fn xAt4(i: i32) -> vec4<f32> { return x[i >> 2u]; }');
    expect(code).toContain('fn wAt(i: i32) -> f32 { return w[i]; }');
    expect(code).toContain('fn wAt4(i: i32) -> vec4<f32> { return vec4<f32>(w[i], w[i + 1], w[i + 2], w[i + 3]); }');
  });
});

describe('shared tiles (GPUs)', () => {
  it('power-of-two tiles of at most 64 threads whose slices fit workgroup memory', () => {
    for (const [M, N] of [
      [1, 100],
      [16, 512],
      [131072, 3],
      [4096, 512],
    ]) {
      const t = chooseTiles('shared', M, N, SHARED_BYTES);
      for (const v of [t.TM, t.TN, t.WX, t.WY, t.KT]) expect(Math.log2(v) % 1).toBe(0);
      expect(t.WX * t.WY).toBeLessThanOrEqual(64);
      expect((t.TM * t.WY + t.TN * t.WX) * t.KT * 4).toBeLessThanOrEqual(SHARED_BYTES);
    }
  });
});

describe('fillTemplate', () => {
  it('puts main() at the marker, unrolled over the tile', () => {
    const code = fillTemplate('fn prologue() {}\n{{MAIN}}\n', chooseTiles('direct', 2, 3, SHARED_BYTES), []);
    expect(code).toContain('fn main()');
    expect(code).toContain('acc_1_2');
    expect(code).not.toContain('acc_2_0');
    expect(code).not.toContain('{{MAIN}}');
  });

  it('refuses a template without the marker', () => {
    expect(() => fillTemplate('fn prologue() {}\n', chooseTiles('direct', 2, 3, SHARED_BYTES), [])).toThrow(/no \{\{MAIN\}\} line/);
  });
});
