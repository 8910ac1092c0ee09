// Quality while training (src/train/quality.ts): the score's known answers, the real clips' reference, no
// leaked tensors, and a short seeded run whose flicker moves toward the real clips'.
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import { resolveConfig } from '../../src/model/config';
import { VganModel } from '../../src/model/networks';
import { clipDataToReal, describeClips, measureQuality, qualityScore, referenceClips } from '../../src/train/quality';
import { shapesSource, shapesTrainingClip } from '../../src/train/data-source';
import { Trainer } from '../../src/train/trainer';

describe('quality score', () => {
  const real = { flicker: 0.06, highFrequency: 0.09, maskCoverage: 0.08 };

  it('is 0 for the real clips, log 2 for twice their flicker or half their grain, and adds the mask', () => {
    expect(qualityScore(real, real)).toBe(0);
    expect(qualityScore({ ...real, flicker: 0.12 }, real)).toBeCloseTo(Math.log(2), 12);
    expect(qualityScore({ ...real, highFrequency: 0.045 }, real)).toBeCloseTo(Math.log(2), 12);
    expect(qualityScore({ ...real, flicker: 0.12, maskCoverage: 0.8 }, real)).toBeCloseTo(Math.log(2) + Math.log(10), 12);
    // One-stream samples have no mask: only flicker and grain count.
    expect(qualityScore({ flicker: 0.06, highFrequency: 0.09 }, real)).toBe(0);
  });
});

describe('measuring a generator against real clips', () => {
  // A narrow tiny model: what is measured here does not depend on the width.
  const config = resolveConfig({ preset: 'tiny', baseChannels: 8 });

  it('compares with the reference clips unchanged and leaks no tensor', async () => {
    const reference = referenceClips(shapesTrainingClip, 1, 6, config);
    const model = new VganModel(config, { seed: 2 });
    const before = tf.memory().numTensors;
    const m = await measureQuality(model, reference, 1, 0);
    expect(tf.memory().numTensors).toBe(before);
    expect(m.real).toEqual(describeClips(reference.video, reference.mask, reference));
    expect(m.real.stillness).toBe(0); // procedural backgrounds are perfectly still
    expect(m.quality.maskCoverage).toBeGreaterThanOrEqual(0);
    expect(m.score).toBeCloseTo(qualityScore(m.quality, m.real), 12);
    model.dispose();
  });

  it('joins the clips the worker shows as real clips', () => {
    const clip = (v: number) => ({ data: new Float32Array(2 * 4 * 4 * 3).fill(v), frames: 2, size: 4, channels: 3 as const });
    const real = clipDataToReal([clip(0.5), clip(-0.5)]);
    expect(real).toMatchObject({ clips: 2, frames: 2, size: 4 });
    expect(real.video[0]).toBe(0.5);
    expect(real.video[96]).toBe(-0.5);
    expect(() => clipDataToReal([])).toThrow(/no real clips/);
  });

  it('a short seeded run moves the samples’ flicker toward the real clips’', async () => {
    const trainer = new Trainer({ preset: 'tiny', config: { baseChannels: 8 }, seed: 3 });
    const source = shapesSource(trainer.config, 8, 3);
    const reference = referenceClips(shapesTrainingClip, 3, 8, trainer.config);
    const distance = async () => {
      const m = await measureQuality(trainer.model, reference, 3, trainer.iteration);
      return Math.abs(Math.log(m.quality.flicker / m.real.flicker));
    };
    const start = await distance();
    for (let i = 0; i < 20; i++) {
      const batch = await source.next();
      await trainer.step(batch);
      batch.dispose();
    }
    // Freshly initialised samples barely change from frame to frame (a tiny fraction of the real flicker).
    expect(start).toBeGreaterThan(1.5);
    expect(await distance()).toBeLessThan(start - 0.5);
    trainer.dispose();
  });
});
