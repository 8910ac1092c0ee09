import { describe, expect, it } from 'vitest';
import { generateShapesClip } from '../../../src/data/shapes';
import { sha256Hex } from '../../../src/data/codec';
import { shapesDataset } from './helpers';

describe('shapes', () => {
  it('is a pure function of the seed', () => {
    const a = generateShapesClip(42, { size: 32, frames: 8 });
    expect(generateShapesClip(42, { size: 32, frames: 8 })).toEqual(a);
    expect(generateShapesClip(43, { size: 32, frames: 8 }).rgb).not.toEqual(a.rgb);
    expect(a.rgb.length).toBe(8 * 32 * 32 * 3);
    expect(a.mask.length).toBe(8 * 32 * 32);
  });

  it('gives the true foreground: unmasked pixels are the static background, masked ones move', () => {
    const size = 32;
    const frames = 8;
    const { rgb, mask, sprites } = generateShapesClip(7, { size, frames, sprites: [2, 2] });
    expect(sprites).toBe(2);
    const plane = size * size;
    let background = 0;
    let foreground = 0;
    for (let p = 0; p < plane; p++) {
      const covered = Array.from({ length: frames }, (_, t) => mask[t * plane + p] === 255);
      if (covered.some(Boolean)) foreground++;
      else {
        background++;
        for (let t = 1; t < frames; t++) {
          for (let c = 0; c < 3; c++) expect(rgb[(t * plane + p) * 3 + c]).toBe(rgb[p * 3 + c]);
        }
      }
    }
    expect(foreground).toBeGreaterThan(0.02 * plane);
    expect(background).toBeGreaterThan(0.3 * plane);
    // The mask moves from frame to frame.
    expect(mask.subarray(0, plane)).not.toEqual(mask.subarray((frames - 1) * plane));
  });

  it('builds byte-identical shards twice', async () => {
    const a = await shapesDataset(4);
    const b = await shapesDataset(4);
    expect(a.manifest).toEqual(b.manifest);
    for (let i = 0; i < a.shards.length; i++) expect(await sha256Hex(b.shards[i].bytes)).toBe(await sha256Hex(a.shards[i].bytes));
  });
});
