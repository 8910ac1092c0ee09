import { describe, expect, it } from 'vitest';
import { track } from './track';
import * as tf from '../../src/tf';
import { Trainer, TrainingDivergedError, type TrainerOptions } from '../../src/train/trainer';
import { firstFrameL1, sigmoidCrossEntropy } from '../../src/train/losses';
import { WeightsError, encodeArtifacts, loadModel, modelJson, saveModel, topologyOf } from '../../src/model/weights';

function trainer(options: Partial<TrainerOptions> = {}): Trainer {
  return track(new Trainer({ preset: 'tiny', seed: 7, ...options }));
}

/** A real batch of smooth moving gradients in [−1, 1], fixed by the seed. */
function realBatch(t: Trainer, n = 4, seed = 11): tf.Tensor5D {
  const { frames, size } = t.config;
  return track(tf.tidy(() => tf.tanh(tf.randomNormal([n, frames, size, size, 3], 0, 1, 'float32', seed))) as tf.Tensor5D);
}

const weightsOf = (t: Trainer) => new Map([...t.model.params.all()].map(([k, v]) => [k, v.dataSync().slice()]));

describe('losses', () => {
  it('computes sigmoid cross-entropy stably for huge logits', () => {
    const logits = tf.tensor1d([-1000, -2, 0, 3, 1000]);
    const one = sigmoidCrossEntropy(logits, 1).dataSync()[0];
    const zero = sigmoidCrossEntropy(logits, 0).dataSync()[0];
    const ref = (x: number, z: number) => Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x)));
    const mean = (z: number) => [-1000, -2, 0, 3, 1000].reduce((s, x) => s + ref(x, z), 0) / 5;
    expect(one).toBeCloseTo(mean(1), 4);
    expect(zero).toBeCloseTo(mean(0), 4);
    expect(Number.isFinite(one) && Number.isFinite(zero)).toBe(true);
    logits.dispose();
  });

  it('measures the first frame against the input image', () => {
    const video = tf.ones([1, 2, 2, 2, 3]).mul(tf.tensor([1, 0], [1, 2, 1, 1, 1])) as tf.Tensor5D;
    const image = tf.fill([1, 2, 2, 3], 0.5) as tf.Tensor4D;
    expect(firstFrameL1(video, image).dataSync()[0]).toBeCloseTo(0.5, 6);
    tf.dispose([video, image]);
  });
});

describe('trainer', () => {
  it('a D step lowers D’s loss on the same batches', async () => {
    const t = trainer({ lrD: 1e-3 });
    const real = realBatch(t);
    const z = track(t.latent(4, 'test'));
    const dLoss = () =>
      tf.tidy(() => {
        const fake = t.model.generate(z, { training: true }).video;
        const lr = sigmoidCrossEntropy(t.model.discriminate(real, { training: true }), 1);
        return lr.add(sigmoidCrossEntropy(t.model.discriminate(fake, { training: true }), 0)).dataSync()[0];
      });
    const before = dLoss();
    await t.stepD(real, z);
    expect(dLoss()).toBeLessThan(before);
  });

  it('a G step lowers G’s loss on the same z', async () => {
    const t = trainer({ lrG: 1e-3 });
    const real = realBatch(t);
    const z = track(t.latent(4, 'test'));
    const gLoss = () =>
      tf.tidy(() => {
        const out = t.model.generate(z, { training: true });
        const adv = sigmoidCrossEntropy(t.model.discriminate(out.video, { training: true }), 1);
        return adv.add(out.mask!.mean().mul(t.options.maskLambda)).dataSync()[0];
      });
    const before = gLoss();
    const stats = await t.stepG(real, z);
    expect(stats.gLoss).toBeCloseTo(before, 4);
    expect(gLoss()).toBeLessThan(before);
  });

  it('trains the future model with the reconstruction term', async () => {
    const t = trainer({ kind: 'future', lrG: 1e-3 });
    const real = realBatch(t, 2);
    const s1 = await t.step(real);
    expect(s1.reconstruction).toBeGreaterThan(0);
    expect(s1.gLoss).toBeCloseTo(s1.gAdversarial + 0.1 * s1.maskMean + 10 * s1.reconstruction, 4);
    const s2 = await t.step(real);
    expect(s2.iteration).toBe(1);
    expect(Number.isFinite(s2.dLossReal + s2.dLossFake + s2.gLoss)).toBe(true);
  });

  it('trains the one-stream generator (no mask term)', async () => {
    const t = trainer({ generator: 'oneStream' });
    const s = await t.step(realBatch(t));
    expect(s.maskMean).toBe(0);
    expect(s.gLoss).toBeCloseTo(s.gAdversarial, 5);
  });

  it('20 training steps leave the tensor count unchanged', async () => {
    const t = trainer({ dSteps: 2 });
    const real = realBatch(t);
    await t.step(real); // creates Adam's slots
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) await t.step(real);
    expect(tf.memory().numTensors).toBe(before);
    expect(t.iteration).toBe(21);
  });

  it('two runs with one seed give identical weights; another seed differs', async () => {
    const run = async (seed: number) => {
      const t = trainer({ seed });
      const real = realBatch(t);
      for (let i = 0; i < 3; i++) await t.step(real);
      return weightsOf(t);
    };
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    for (const [name, w] of a) expect(b.get(name), name).toEqual(w);
    expect(c.get('generator/foreground/video/kernel')).not.toEqual(a.get('generator/foreground/video/kernel'));
  });

  it('an iteration is dSteps D updates then gSteps G updates, one batch each, however it is stepped', async () => {
    const options = { dSteps: 2, gSteps: 3, config: { baseChannels: 8 } };
    const whole = trainer(options);
    const batches = [realBatch(whole, 2, 1), realBatch(whole, 2, 2), realBatch(whole, 2, 3)];
    expect(whole.batchesPerIteration).toBe(3);
    const stats = await whole.step(...batches);
    expect(stats.iteration).toBe(0);
    expect(whole.state).toMatchObject({ iteration: 1, dIndex: 0, gIndex: 0 });
    // The same iteration update by update: G update k reads batch k, and only the last completes it.
    const byHand = trainer(options);
    await byHand.stepD(batches[0]);
    await byHand.stepD(batches[1]);
    await byHand.stepG(batches[0]);
    await byHand.stepG(batches[1]);
    expect(byHand.state).toMatchObject({ iteration: 0, dIndex: 2, gIndex: 2 });
    // A checkpoint taken mid-iteration resumes mid-iteration: step() finishes it with the last G update.
    const resumed = track(Trainer.restore(await byHand.checkpoint()));
    expect(resumed.state).toMatchObject({ iteration: 0, dIndex: 2, gIndex: 2 });
    await resumed.step(...batches);
    expect(resumed.state).toMatchObject({ iteration: 1, dIndex: 0, gIndex: 0 });
    const want = weightsOf(whole);
    for (const [name, w] of weightsOf(resumed)) expect(w, name).toEqual(want.get(name));
  });

  it('refuses a non-finite update and keeps the weights', async () => {
    const t = trainer();
    const real = realBatch(t);
    const before = weightsOf(t);
    const poisoned = track(real.mul(Number.NaN) as tf.Tensor5D);
    await expect(t.stepD(poisoned)).rejects.toBeInstanceOf(TrainingDivergedError);
    for (const [name, w] of weightsOf(t)) {
      if (name.includes('moving')) continue; // running statistics saw the batch; they are not trained
      expect(w, name).toEqual(before.get(name));
    }
    await t.step(real); // and training goes on
  });
});

describe("G's weight average (emaDecay)", () => {
  const generatorOf = (m: Trainer['model']) =>
    new Map([...m.params.all()].filter(([k]) => k.startsWith('generator/')).map(([k, v]) => [k, v.dataSync().slice()]));

  it('is off by default: samples and saved weights are the training model', async () => {
    const t = trainer();
    expect(t.sampler).toBe(t.model);
    expect(t.published()).toBe(t.model);
    const { extra } = loadModel(await t.checkpoint());
    expect([...extra.keys()].some((k) => k.startsWith('average/'))).toBe(false);
    tf.dispose([...extra.values()]);
    expect(() => trainer({ emaDecay: 1 })).toThrow(/emaDecay must lie in \[0, 1\)/);
  });

  it('moves by 1 − decay towards each G update, copies the running statistics, and leaves training alone', async () => {
    const t = trainer({ emaDecay: 0.75 });
    const plain = trainer();
    const real = realBatch(t);
    const before = generatorOf(t.model);
    expect(generatorOf(t.sampler)).toEqual(before); // it starts from G
    await t.step(real);
    await plain.step(real);
    const after = generatorOf(t.model);
    const average = generatorOf(t.sampler);
    for (const [name, w] of after) {
      const trainable = t.model.params.trainable.has(name);
      const want = trainable ? w.map((x, i) => 0.75 * before.get(name)![i] + 0.25 * x) : w;
      const worst = Array.from(average.get(name)!).reduce((m, x, i) => Math.max(m, Math.abs(x - want[i])), 0);
      expect(worst, name).toBeLessThan(1e-6);
    }
    // Training is the paper's whatever the average does.
    for (const [name, w] of weightsOf(plain)) expect(weightsOf(t).get(name), name).toEqual(w);
    // Saved weights: the average's generator beside the training discriminator.
    const published = t.published();
    for (const [name, v] of published.params.all()) {
      const from = name.startsWith('generator/') ? average : weightsOf(t);
      expect(v.dataSync(), name).toEqual(from.get(name));
    }
    const count = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await t.step(real);
    t.published();
    expect(tf.memory().numTensors).toBe(count);
  });

  it('travels in the checkpoint, so a resumed run continues the same average', async () => {
    const straight = trainer({ emaDecay: 0.9 });
    const real = realBatch(straight);
    await straight.step(real);
    const ckpt = await straight.checkpoint();
    await straight.step(real);
    const resumed = track(Trainer.restore(ckpt));
    expect(resumed.options.emaDecay).toBe(0.9);
    await resumed.step(real);
    const want = generatorOf(straight.sampler);
    for (const [name, w] of generatorOf(resumed.sampler)) expect(w, name).toEqual(want.get(name));
    // Turned on when resuming a run without one, it starts from the weights resumed.
    const plain = trainer();
    const on = track(Trainer.restore(await plain.checkpoint(), { emaDecay: 0.5 }));
    expect(generatorOf(on.sampler)).toEqual(generatorOf(plain.model));
  });
});

describe('weights', () => {
  it('save → load gives identical outputs', async () => {
    const t = trainer();
    await t.step(realBatch(t));
    const artifacts = await saveModel(t.model);
    expect(modelJson(artifacts, ['w.bin']).weightsManifest[0].weights.map((w) => w.name)).toContain('generator/foreground/mask/kernel');
    const { model, extra } = loadModel(artifacts);
    track(model);
    expect(extra.size).toBe(0);
    const z = track(t.latent(2, 'probe'));
    const [a, b] = [t.model.generate(z), model.generate(z)];
    expect(b.video.dataSync()).toEqual(a.video.dataSync());
    expect(b.mask!.dataSync()).toEqual(a.mask!.dataSync());
    tf.dispose([a, b] as never);
  });

  it('a checkpoint resumes exactly where training stopped', async () => {
    const straight = trainer();
    const real = realBatch(straight);
    for (let i = 0; i < 2; i++) await straight.step(real);
    const ckpt = await straight.checkpoint();
    for (let i = 0; i < 2; i++) await straight.step(real);
    const resumed = track(Trainer.restore(ckpt));
    expect(resumed.iteration).toBe(2);
    for (let i = 0; i < 2; i++) await resumed.step(real);
    const want = weightsOf(straight);
    for (const [name, w] of weightsOf(resumed)) expect(w, name).toEqual(want.get(name));
  });

  it('refuses truncated, foreign and mismatched weights with clear errors', async () => {
    const t = trainer();
    const artifacts = await saveModel(t.model);
    const data = artifacts.weightData as ArrayBuffer;
    expect(() => loadModel({ ...artifacts, weightData: data.slice(0, data.byteLength - 10) })).toThrow(/truncated/);
    expect(() => loadModel({ ...artifacts, modelTopology: { format: 'layers-model' } })).toThrow(WeightsError);
    const specs = artifacts.weightSpecs!.filter((s) => s.name !== 'discriminator/logit/bias');
    const kept = tf.io.decodeWeights(data, artifacts.weightSpecs!);
    delete kept['discriminator/logit/bias'];
    const { data: smaller } = await tf.io.encodeWeights(kept);
    expect(() => loadModel({ ...artifacts, weightSpecs: specs, weightData: smaller })).toThrow(/lacks discriminator\/logit\/bias/);
    tf.dispose(Object.values(kept));
    const before = tf.memory().numTensors;
    expect(() => loadModel({ ...artifacts, weightData: data.slice(0, 8) })).toThrow(WeightsError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a config that claims a bigger model than the file lists, before building or decoding anything', async () => {
    const t = trainer({ config: { baseChannels: 8 } });
    const artifacts = await saveModel(t.model);
    const topology = artifacts.modelTopology as { config: object };
    const before = tf.memory();
    // A paper-size model from a file that holds a tiny one: refused from the manifest, nothing allocated.
    const lying = { ...artifacts, modelTopology: { ...topology, config: { ...topology.config, size: 64, frames: 32, baseChannels: 512 } } };
    expect(() => loadModel(lying)).toThrow(
      /weight generator\/foreground\/conv1\/kernel is listed as \[[\d,]+\], the model its config describes needs/,
    );
    expect(() => Trainer.restore(lying)).toThrow(WeightsError);
    expect(() => loadModel({ ...artifacts, modelTopology: { ...topology, kind: 'huge' } })).toThrow(/kind "huge" is not one of/);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });

  it('refuses weights holding NaN or Infinity, naming the tensor, in float32 and float16 files', async () => {
    const t = trainer({ config: { baseChannels: 8 } });
    const tensors = new Map(t.model.params.all() as Map<string, tf.Tensor>);
    const poisoned = tf.tensor1d([...tensors.get('discriminator/conv1/bias')!.dataSync()].map((v, i) => (i === 3 ? NaN : v)));
    tensors.set('discriminator/conv1/bias', poisoned);
    const artifacts = await encodeArtifacts(tensors, topologyOf(t.model));
    const before = tf.memory().numTensors;
    expect(() => loadModel(artifacts)).toThrow('weight discriminator/conv1/bias holds NaN or Infinity');
    expect(tf.memory().numTensors).toBe(before);
    // float16: Infinity is an all-ones exponent.
    const specs = artifacts.weightSpecs!.map((s) => ({ ...s }));
    const bias = specs.findIndex((s) => s.name === 'discriminator/conv1/bias');
    const offset = specs.slice(0, bias).reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
    const half = new Uint16Array([0x7c00]);
    const data = new Uint8Array(artifacts.weightData as ArrayBuffer);
    const f16 = new Uint8Array(data.length - 4 * specs[bias].shape[0] + 2 * specs[bias].shape[0]);
    f16.set(data.subarray(0, offset));
    f16.set(new Uint8Array(half.buffer), offset);
    f16.set(data.subarray(offset + 4 * specs[bias].shape[0]), offset + 2 * specs[bias].shape[0]);
    specs[bias] = { ...specs[bias], quantization: { dtype: 'float16' } } as tf.io.WeightsManifestEntry;
    expect(() => loadModel({ ...artifacts, weightSpecs: specs, weightData: f16.buffer })).toThrow(
      'weight discriminator/conv1/bias holds NaN or Infinity',
    );
    poisoned.dispose();
  });
});

describe('weight files', () => {
  it('round-trips through model.json + shards, read by tfjs’s own http loader', async () => {
    const { mkdtemp, readdir, truncate } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { readWeightFiles, writeWeightFiles } = await import('../../tools/lib/weights-files');
    const t = trainer({ preset: 'small' });
    const dir = await mkdtemp(join(tmpdir(), 'vgan-weights-'));
    const written = await writeWeightFiles(dir, await saveModel(t.model));
    expect(written.length).toBeGreaterThan(2); // the small preset spans several 4 MiB shards
    expect((await readdir(dir)).sort()).toEqual([...written].sort());
    const { model } = loadModel(await readWeightFiles(dir));
    track(model);
    const z = track(t.latent(1, 'files'));
    const [a, b] = [t.model.generate(z), model.generate(z)];
    expect(b.video.dataSync()).toEqual(a.video.dataSync());
    tf.dispose([a, b] as never);
    await truncate(join(dir, written[written.length - 1]), 100);
    await expect(readWeightFiles(dir).then(loadModel)).rejects.toThrow(/truncated/);
  });
});

describe('npm run train flags', () => {
  // The command line checks its optimiser flags with the page's settings (one range for each), before any data is read.
  it.each([
    ['--lr-g', '2', /--lr-g: .*lrG/],
    ['--lr-d', '0', /--lr-d: .*lrD/],
    ['--beta1', '1', /--beta1: .*beta1/],
  ])('refuses %s %s with the setting named', async (flag, value, message) => {
    const { main } = await import('../../tools/train');
    await expect(main([flag, value, '--out', 'runs/never-written'])).rejects.toThrow(message);
  });
});
