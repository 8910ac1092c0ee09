// The model's own paths on tfjs's webgpu backend (with tfjs's kernels): sampling and training run without
// synchronous GPU reads (Chromium's WebGPU cannot survive tfjs-webgpu's readSync) and leak nothing.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import * as tf from '../../src/tf';
import { resolveConfig } from '../../src/model/config';
import { VganModel } from '../../src/model/networks';
import { sampleClips } from '../../src/model/sample';
import { Trainer } from '../../src/train/trainer';

let readSync: ReturnType<typeof vi.spyOn>;
beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-webgpu');
  expect(await tf.setBackend('webgpu')).toBe(true);
  readSync = vi.spyOn(tf.backend(), 'readSync');
});
afterAll(() => readSync.mockRestore());

it('samples all four streams without synchronous reads or leaks', async () => {
  const config = resolveConfig('tiny');
  const model = new VganModel(config, { seed: 1 });
  const z = tf.randomNormal([2, config.zDim], 0, 1, 'float32', 1);
  const before = tf.memory().numTensors;
  const clips = await sampleClips(model, z);
  expect(tf.memory().numTensors).toBe(before);
  expect(clips).toHaveLength(2);
  expect(clips[1].mask!.data.length).toBe(config.frames * config.size * config.size);
  expect(clips[1].background!.data.length).toBe(config.frames * config.size * config.size * 3);
  expect(readSync).not.toHaveBeenCalled();
  tf.dispose(z);
  model.dispose();
});

it('trains a few iterations without synchronous reads or leaks', async () => {
  const trainer = new Trainer({ preset: 'tiny', seed: 2 });
  const { frames, size } = trainer.config;
  const real = tf.tidy(() => tf.tanh(tf.randomNormal([2, frames, size, size, 3], 0, 1, 'float32', 3))) as tf.Tensor5D;
  const first = await trainer.step(real);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) await trainer.step(real);
  expect(tf.memory().numTensors).toBe(before);
  expect(Number.isFinite(first.dLossReal + first.gLoss)).toBe(true);
  expect(readSync).not.toHaveBeenCalled();
  real.dispose();
  trainer.dispose();
});
