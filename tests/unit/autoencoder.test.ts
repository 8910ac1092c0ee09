import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { track } from './track';
import * as tf from '../../src/tf';
import { Autoencoder } from '../../src/eval/autoencoder';
import { gmmFromJson } from '../../src/eval/gmm';
import { readWeightFiles } from '../../tools/lib/weights-files';
import { VganModel } from '../../src/model/networks';
import { loadModel, saveModel } from '../../src/model/weights';
import { shapesSource } from '../../src/train/data-source';

describe('autoencoder baseline', () => {
  it('encodes clips to zDim codes and decodes them to clips', () => {
    const ae = track(new Autoencoder({ preset: 'tiny', seed: 3 }));
    const { frames, size, zDim } = ae.config;
    const x = track(tf.zeros([2, frames, size, size, 3]) as tf.Tensor5D);
    const z = track(ae.encode(x));
    expect(z.shape).toEqual([2, zDim]);
    expect(track(ae.reconstruct(x)).shape).toEqual([2, frames, size, size, 3]);
    // D's real/fake head is not part of the autoencoder; its code layer is.
    const names = [...ae.variables().keys()];
    expect(names).toContain('encoder/code/kernel');
    expect(names.some((n) => n.startsWith('discriminator/logit/'))).toBe(false);
    expect(names.some((n) => n.startsWith('generator/background/'))).toBe(true);
  });

  it('lowers the reconstruction error in a few steps, without leaking tensors', async () => {
    const ae = track(new Autoencoder({ preset: 'tiny', seed: 3, learningRate: 2e-3 }));
    const source = shapesSource(ae.config, 4, 5);
    const batch = track(await source.next());
    const before = await ae.error(batch);
    await ae.step(batch); // creates Adam's slots
    const tensors = tf.memory().numTensors;
    const losses: number[] = [];
    for (let i = 0; i < 8; i++) losses.push(await ae.step(batch));
    expect(tf.memory().numTensors).toBe(tensors);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    expect(await ae.error(batch)).toBeLessThan(before);
  });

  it('fits a mixture on codes, samples videos through the decoder, and round-trips its weights', async () => {
    const ae = track(new Autoencoder({ preset: 'tiny', seed: 4 }));
    const source = shapesSource(ae.config, 4, 6);
    const tensors = tf.memory().numTensors;
    const codes = await ae.codes(source, 10);
    expect(codes.length).toBe(10 * ae.config.zDim);
    const fit = await ae.fit(source, 10, { components: 3 });
    expect(fit.gmm.components).toBe(3);
    const clips = await ae.sample(fit.gmm, 2, 1);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(clips).toHaveLength(2);
    expect(clips[0].data.length).toBe(ae.config.frames * ae.config.size ** 2 * 3);
    expect(clips[0].data).not.toEqual(clips[1].data);

    ae.iteration = 12;
    const artifacts = await ae.save();
    const back = track(Autoencoder.load(artifacts));
    expect(back.iteration).toBe(12);
    const x = track((await source.next()) as tf.Tensor5D);
    const [a, b] = [track(ae.encode(x)), track(back.encode(x))];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    // The same file is a VGAN weights file: the playground loads its generator as it is.
    const loaded = loadModel(artifacts);
    track(loaded.model);
    expect([...loaded.extra.keys()].sort()).toEqual(['encoder/code/bias', 'encoder/code/kernel']);
    tf.dispose([...loaded.extra.values()]);
  });

  it('refuses a weights file that is not a baseline', async () => {
    const ae = track(new Autoencoder({ preset: 'tiny' }));
    const plain = await saveModel(track(new VganModel(ae.config)));
    expect(() => Autoencoder.load(plain)).toThrow(/not an autoencoder baseline/);
  });

  const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;

  it.skipIf(!hasTorch)('loads and samples a baseline written by the PyTorch trainer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgan-ae-'));
    try {
      const root = resolve(import.meta.dirname, '../..');
      const args = [
        'trainer/train_baseline.py',
        '--data',
        'public/data/shapes',
        '--out',
        dir,
        '--steps',
        '1',
        '--clips',
        '8',
        '--components',
        '2',
        '--seed',
        '5',
      ];
      const run = spawnSync('/usr/bin/python3', args, { cwd: root, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const ae = track(Autoencoder.load(await readWeightFiles(join(dir, 'weights'))));
      expect(ae.iteration).toBe(1);
      expect(ae.options).toMatchObject({ preset: 'tiny', seed: 5 });
      const gmm = gmmFromJson(JSON.parse(readFileSync(join(dir, 'weights', 'gmm.json'), 'utf8')));
      expect(gmm.components).toBe(2);
      const clips = await ae.sample(gmm, 2, 0);
      expect(clips[0].data.every(Number.isFinite)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
