import { expect, it } from 'vitest';
import * as tf from '../../src/tf';
import { resolveConfig } from '../../src/model/config';
import { VganModel } from '../../src/model/networks';
import { sampleClips } from '../../src/model/sample';
import { mixClips } from '../../src/ui/mix';

const config = resolveConfig('tiny');

it("mixes one sample's background with another's foreground and mask as the generator composes its own", async () => {
  const model = new VganModel(config, { kind: 'unconditional', generator: 'twoStream', seed: 3 });
  const z = tf.randomNormal([2, config.zDim], 0, 1, 'float32', 7);
  const [a, b] = await sampleClips(model, z, { batchStatistics: true });
  // A sample mixed with itself is the generator's own video.
  const self = mixClips(a, a)!;
  expect(self.data.length).toBe(a.video.data.length);
  self.data.forEach((v, i) => {
    expect(v).toBeCloseTo(a.video.data[i], 5);
  });
  // Across samples: a's background, b's motion, pixel by pixel.
  const mixed = mixClips(a, b)!;
  const p = 5 * config.size * config.size + 17; // frame 5, pixel 17
  const m = b.mask!.data[p];
  expect(mixed.data[p * 3 + 1]).toBeCloseTo(m * b.foreground!.data[p * 3 + 1] + (1 - m) * a.background!.data[p * 3 + 1], 6);
  expect(mixed.data).not.toEqual(a.video.data);
  expect(mixed.data).not.toEqual(b.video.data);
  tf.dispose(z);
  model.dispose();
});

it('has nothing to mix for a one-stream sample', async () => {
  const model = new VganModel(config, { kind: 'unconditional', generator: 'oneStream', seed: 3 });
  const z = tf.randomNormal([1, config.zDim], 0, 1, 'float32', 7);
  const [one] = await sampleClips(model, z);
  expect(mixClips(one, one)).toBeNull();
  tf.dispose(z);
  model.dispose();
});
