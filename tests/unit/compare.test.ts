import { describe, expect, it } from 'vitest';
import { randomValues, relativeError } from '../../src/kernels/compare';

describe('kernel comparison helpers', () => {
  it('randomValues is seeded, in [-1, 1), and differs between seeds', () => {
    const a = randomValues(1000, 7);
    expect(randomValues(1000, 7)).toEqual(a);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...a)).toBeLessThan(1);
    expect(Math.max(...a) - Math.min(...a)).toBeGreaterThan(1.9);
    expect(randomValues(1000, 8)).not.toEqual(a);
    expect(randomValues(4, 0)).toEqual(randomValues(4, 1));
  });

  it('relativeError is absolute below a scale of 1 and relative above it', () => {
    const want = new Float32Array([0.5, -0.25]);
    expect(relativeError(new Float32Array([0.5, -0.2]), want)).toBeCloseTo(0.05, 6);
    const big = new Float32Array([100, -200]);
    expect(relativeError(new Float32Array([101, -200]), big)).toBeCloseTo(1 / 200, 6);
    expect(relativeError(big, big)).toBe(0);
  });

  it('relativeError refuses outputs of different lengths', () => {
    expect(() => relativeError(new Float32Array(3), new Float32Array(4))).toThrow(/length 3 != 4/);
  });
});
