import { describe, expect, it } from 'vitest';
import { track } from './track';
import * as tf from '../../src/tf';
import { augmentClips, cutoutMask, drawAugment, maxShift, type AugmentParams } from '../../src/train/augment';
import { Trainer } from '../../src/train/trainer';

const SIZE = 8;

/** Parameters for one clip, with the colour transforms at their identities unless given. */
function params(p: Partial<Record<keyof AugmentParams, number>>): AugmentParams {
  return {
    brightness: Float32Array.of(p.brightness ?? 0),
    saturation: Float32Array.of(p.saturation ?? 1),
    contrast: Float32Array.of(p.contrast ?? 1),
    dx: Int32Array.of(p.dx ?? 0),
    dy: Int32Array.of(p.dy ?? 0),
    cx: Int32Array.of(p.cx ?? 0),
    cy: Int32Array.of(p.cy ?? 0),
  };
}

function randomClip(frames = 3, seed = 1): tf.Tensor5D {
  return track(tf.randomUniform([1, frames, SIZE, SIZE, 3], -1, 1, 'float32', seed) as tf.Tensor5D);
}

describe("augmenting D's clips", () => {
  it('draws reproducible parameters within their ranges', () => {
    const a = drawAugment(3, 200, 16);
    expect(drawAugment(3, 200, 16)).toEqual(a);
    expect(drawAugment(4, 200, 16)).not.toEqual(a);
    const within = (v: ArrayLike<number>, lo: number, hi: number) => Array.from(v).every((x) => x >= lo && x < hi);
    expect(within(a.brightness, -0.5, 0.5) && within(a.saturation, 0, 2) && within(a.contrast, 0.5, 1.5)).toBe(true);
    expect(maxShift(16)).toBe(2);
    expect(within(a.dx, -2, 3) && within(a.dy, -2, 3) && within(a.cx, 0, 16) && within(a.cy, 0, 16)).toBe(true);
    expect(new Set(a.dx).size).toBe(5); // every shift occurs
  });

  it('shifts the content, pads with 0, adds brightness before padding, and cuts out a clipped square', () => {
    const clip = randomClip();
    const p = params({ brightness: 0.25, dx: 1, dy: -1, cx: 7, cy: 0 });
    const out = augmentClips(clip, p);
    const [x, y] = [clip.arraySync()[0], out.arraySync()[0]];
    // The square of side 4 centred at (7, 0), clipped to the frame: columns 5–7 of rows 0–1.
    expect(Array.from(cutoutMask(p, SIZE)).filter((v) => v === 0).length).toBe(6);
    for (let t = 0; t < 3; t++) {
      for (let r = 0; r < SIZE; r++) {
        for (let c = 0; c < SIZE; c++) {
          const [sr, sc] = [r + 1, c - 1]; // reads input (y − dy, x − dx)
          const cut = r < 2 && c >= 5;
          const inside = sr < SIZE && sc >= 0;
          for (let ch = 0; ch < 3; ch++) {
            const want = cut || !inside ? 0 : x[t][sr][sc][ch] + 0.25;
            expect(y[t][r][c][ch]).toBeCloseTo(want, 6);
          }
        }
      }
    }
    out.dispose();
  });

  it('takes colours to grey at saturation 0 and halves their spread about the clip mean at contrast 0.5', () => {
    const clip = randomClip();
    const cutAway = { cx: 100, cy: 100 }; // a cut-out square entirely outside the frame
    const grey = augmentClips(clip, params({ saturation: 0, ...cutAway }));
    const want = clip.mean(4, true).tile([1, 1, 1, 1, 3]);
    expect(tf.max(tf.abs(grey.sub(want))).dataSync()[0]).toBeLessThan(1e-6);
    const flat = augmentClips(clip, params({ contrast: 0.5, ...cutAway }));
    const mean = clip.mean();
    const wantFlat = clip.sub(mean).mul(0.5).add(mean);
    expect(tf.max(tf.abs(flat.sub(wantFlat))).dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([grey, want, flat, mean, wantFlat]);
  });

  it('adds no motion: a still clip stays still', () => {
    const still = track(tf.tidy(() => randomClip(1).tile([4, 6, 1, 1, 1])) as tf.Tensor5D);
    const out = augmentClips(still, drawAugment(9, 4, SIZE));
    const change = tf.tidy(() =>
      out
        .slice([0, 1], [-1, -1])
        .sub(out.slice([0, 0], [-1, 5]))
        .abs()
        .max(),
    );
    expect(change.dataSync()[0]).toBe(0);
    expect(tf.tidy(() => out.sub(still).abs().max()).dataSync()[0]).toBeGreaterThan(0.1);
    tf.dispose([out, change]);
  });

  it('passes gradients to the pixels D still sees', () => {
    const clip = randomClip();
    const p = params({ dx: 1, cx: 4, cy: 0 });
    const grad = tf.grad((v) => augmentClips(v as tf.Tensor5D, p).sum())(clip) as tf.Tensor5D;
    const g = grad.arraySync()[0][0]; // frame 0: [row][column][channel]
    // Shifted right by 1: input column c lands on output column c + 1; the cut-out covers output rows 0–1, columns 2–5.
    expect(g[5][0][0]).toBe(1);
    expect(g[5][7][0]).toBe(0); // pushed out of the frame
    expect(g[0][1][0]).toBe(0); // lands in the cut-out
    expect(g[0][5][0]).toBe(1); // lands at column 6, beside it
    grad.dispose();
  });
});

describe('the trainer with augment', () => {
  it('is off by default and, when on, changes what D is shown without leaking tensors', async () => {
    const plain = track(new Trainer({ preset: 'tiny', seed: 3, config: { baseChannels: 8 } }));
    const augmented = track(new Trainer({ preset: 'tiny', seed: 3, config: { baseChannels: 8 }, augment: true }));
    expect(plain.options.augment).toBe(false);
    const { frames, size } = plain.config;
    const real = track(tf.tidy(() => tf.tanh(tf.randomNormal([2, frames, size, size, 3], 0, 1, 'float32', 4))) as tf.Tensor5D);
    const [a, b] = [await plain.step(real), await augmented.step(real)];
    expect(b.dLossReal).not.toBeCloseTo(a.dLossReal, 4);
    const count = tf.memory().numTensors;
    await augmented.step(real);
    expect(tf.memory().numTensors).toBe(count);
    // The setting travels with the checkpoint.
    const resumed = track(Trainer.restore(await augmented.checkpoint()));
    expect(resumed.options.augment).toBe(true);
  });
});
