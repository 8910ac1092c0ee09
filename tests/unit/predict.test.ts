// The prediction path of the Future view: weights file → future model → prediction and perturbed futures.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import { presetConfig } from '../../src/model/config';
import { VganModel } from '../../src/model/networks';
import { saveModel, WeightsError } from '../../src/model/weights';
import { loadFutureModel, predictFutures } from '../../src/eval/predict';
import { readWeightFiles, writeWeightFiles } from '../../tools/lib/weights-files';

const config = presetConfig('tiny');
const { size, frames } = config;
let dir: string;
let model: VganModel;

/** A fixed input frame in [−1, 1]. */
const frame = Float32Array.from({ length: size * size * 3 }, (_, i) => Math.sin(i * 0.37) * 0.8);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vgan-future-'));
  const source = new VganModel(config, { kind: 'future', generator: 'twoStream', seed: 3 });
  await writeWeightFiles(dir, await saveModel(source));
  source.dispose();
  model = loadFutureModel(await readWeightFiles(dir));
});

afterAll(async () => {
  model.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('predictFutures', () => {
  it('gives the prediction and K futures, each with its streams and reconstruction error', async () => {
    const p = await predictFutures(model, frame, { futures: 3, noiseScale: 0.5, seed: 1 });
    expect(p.clips).toHaveLength(4);
    expect(p.reconstruction).toHaveLength(4);
    for (const [i, c] of p.clips.entries()) {
      expect(c.video).toMatchObject({ frames, size, channels: 3 });
      expect(c.foreground).toMatchObject({ frames, size, channels: 3 });
      expect(c.background).toMatchObject({ frames, size, channels: 3 });
      expect(c.mask).toMatchObject({ frames, size, channels: 1 });
      expect(c.video.data).toHaveLength(frames * size * size * 3);
      // The reconstruction term is mean |first frame − input|.
      let sum = 0;
      for (let j = 0; j < frame.length; j++) sum += Math.abs(c.video.data[j] - frame[j]);
      expect(p.reconstruction[i]).toBeCloseTo(sum / frame.length, 5);
    }
    // Perturbed codes give different videos.
    expect(p.clips[1].video.data).not.toEqual(p.clips[0].video.data);
    expect(p.clips[2].video.data).not.toEqual(p.clips[1].video.data);
  });

  it('is deterministic in its seed; future k does not depend on K; σ = 0 repeats the prediction', async () => {
    const a = await predictFutures(model, frame, { futures: 3, noiseScale: 0.5, seed: 7 });
    const b = await predictFutures(model, frame, { futures: 3, noiseScale: 0.5, seed: 7 });
    const c = await predictFutures(model, frame, { futures: 1, noiseScale: 0.5, seed: 7 });
    const d = await predictFutures(model, frame, { futures: 3, noiseScale: 0.5, seed: 8 });
    const none = await predictFutures(model, frame, { futures: 0, noiseScale: 0.5, seed: 7 });
    const flat = await predictFutures(model, frame, { futures: 2, noiseScale: 0, seed: 7 });
    expect(b.clips.map((s) => s.video.data)).toEqual(a.clips.map((s) => s.video.data));
    expect(c.clips[1].video.data).toEqual(a.clips[1].video.data);
    expect(d.clips[0].video.data).toEqual(a.clips[0].video.data);
    expect(d.clips[1].video.data).not.toEqual(a.clips[1].video.data);
    expect(none.clips).toHaveLength(1);
    expect(none.clips[0].video.data).toEqual(a.clips[0].video.data);
    for (const s of flat.clips) expect(s.video.data).toEqual(a.clips[0].video.data);
  });

  it('leaves no tensors behind', async () => {
    await predictFutures(model, frame); // first call may allocate backend state
    const before = tf.memory().numTensors;
    await predictFutures(model, frame, { futures: 4, noiseScale: 1, seed: 2 });
    await expect(predictFutures(model, new Float32Array(5))).rejects.toThrow(/input frame must hold 16×16×3 values/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('loadFutureModel', () => {
  it('refuses weights of an unconditional model and leaks nothing doing so', async () => {
    const other = new VganModel(config, { kind: 'unconditional', seed: 1 });
    const artifacts = await saveModel(other);
    other.dispose();
    const before = tf.memory().numTensors;
    expect(() => loadFutureModel(artifacts)).toThrow(WeightsError);
    expect(() => loadFutureModel(artifacts)).toThrow(/an unconditional model; predicting from an image needs a future model/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
