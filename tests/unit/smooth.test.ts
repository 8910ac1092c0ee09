import { expect, it } from 'vitest';
import { smooth } from '../../src/ui/smooth';

it('smooths with a debiased running average that starts at the first value and leaves 0 unsmoothed', () => {
  expect(smooth([1, 2, 3], 0)).toEqual([1, 2, 3]);
  const s = smooth([4, 0, 0, 0], 0.5);
  expect(s[0]).toBeCloseTo(4); // debiased: not pulled towards 0
  expect(s[1]).toBeCloseTo((0.5 * 0.5 * 4) / 0.75); // 4 and 0 weighted ½ and ½, debiased by 1 − ½²
  expect(s[3]).toBeLessThan(s[2]);
  expect(smooth([2, 2, 2, 2], 0.9).every((v) => Math.abs(v - 2) < 1e-12)).toBe(true);
  expect(smooth([1, Number.NaN, 1], 0.5)[1]).toBeNaN(); // a missing value stays missing and does not poison the rest
  expect(smooth([1, Number.NaN, 1], 0.5)[2]).toBeCloseTo(1);
});
