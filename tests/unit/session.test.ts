import { expect, it } from 'vitest';
import * as tf from '../../src/tf';
import { resolveConfig } from '../../src/model/config';
import { defaultSettings, liveKeys, trainerKeys } from '../../src/settings';
import { shapesSource } from '../../src/train/data-source';
import { GRID_SIZE, TrainingSession, trainerOptions } from '../../src/train/session';

it('steps, samples, interpolates and shows real clips without leaking tensors', async () => {
  const settings = { ...defaultSettings, batchSize: 2, dSteps: 2, gSteps: 2 };
  const session = new TrainingSession(settings, shapesSource(resolveConfig('tiny'), 2, 1));
  await session.step('both');
  const before = tf.memory().numTensors;
  const d = await session.step('D');
  expect(d.dLossReal).toBeGreaterThan(0);
  expect(d.iteration).toBe(1); // an iteration is dSteps D then gSteps G updates: one so far
  const g = await session.step('G');
  expect(g.iteration).toBe(1); // the first of two G updates
  const both = await session.step('both');
  expect(both.iteration).toBe(2); // finishes the iteration with its second G update
  expect(both.numTensors).toBe(before);
  const samples = await session.samples();
  expect(samples).toHaveLength(GRID_SIZE);
  const line = await session.interpolate(0, 1, 4);
  expect(line).toHaveLength(4);
  expect(line[3].video.data.length).toBe(samples[0].video.data.length);
  expect(line[0].video.data).not.toEqual(line[3].video.data);
  const views = await session.layerViews(1);
  const a = session.trainer.model.arch;
  expect(views.map((v) => v.shape)).toEqual([...a.foreground, a.videoHead, a.maskHead, ...a.background].map((l) => l.outShape));
  expect(views.every((v) => v.pixels.length === v.side[0] * v.side[1] && Math.max(...v.pixels) <= 1)).toBe(true);
  const real = await session.realClips(3);
  expect(real).toHaveLength(2);
  expect(Math.min(...real[0].data)).toBeGreaterThanOrEqual(-1);
  expect(tf.memory().numTensors).toBe(before);
  session.update({ ...settings, lrD: 1e-3, maskLambda: 0.5 });
  expect(session.trainer.optD.learningRate).toBe(1e-3);
  expect(session.trainer.options.maskLambda).toBe(0.5);
  // Every trainer option that needs no new model reaches the running trainer.
  const live = { ...settings, lrD: 3e-3, lrG: 4e-3, beta1: 0.7, maskLambda: 0.25, dSteps: 3 };
  session.update(live);
  for (const k of trainerKeys.filter((k) => liveKeys.includes(k))) expect(session.trainer.options[k]).toBe(live[k]);
  expect([session.trainer.optG.learningRate, session.trainer.optD.beta1]).toEqual([4e-3, 0.7]);
  session.dispose();
});

it('width and time span settings override the preset’s config fields; "preset" keeps them', () => {
  expect(trainerOptions(defaultSettings).config).toEqual({});
  const options = trainerOptions({ ...defaultSettings, baseChannels: '8', frameStride: '1' });
  expect(options.config).toEqual({ baseChannels: 8, frameStride: 1 });
  const session = new TrainingSession(
    { ...defaultSettings, baseChannels: '8', frameStride: '2' },
    shapesSource(resolveConfig('tiny'), 1, 1),
  );
  expect(session.trainer.config).toMatchObject({ ...resolveConfig('tiny'), baseChannels: 8, frameStride: 2 });
  session.dispose();
});

it("shows the future model's layers, its encoder first, for one grid frame", async () => {
  const settings = { ...defaultSettings, kind: 'future' as const, batchSize: 2 };
  const session = new TrainingSession(settings, shapesSource(resolveConfig('tiny'), 2, 1));
  await session.samples(); // takes the grid's frames from a batch
  const before = tf.memory().numTensors;
  const views = await session.layerViews(1);
  const a = session.trainer.model.arch;
  expect(views.map((v) => v.name.split('/')[1])).toEqual([
    ...a.encoder.map(() => 'encoder'),
    ...[...a.foreground, a.videoHead, a.maskHead].map(() => 'foreground'),
    ...a.background.map(() => 'background'),
  ]);
  expect(views.map((v) => v.shape)).toEqual(
    [...a.encoder, ...a.foreground, a.videoHead, a.maskHead, ...a.background].map((l) => l.outShape),
  );
  expect(tf.memory().numTensors).toBe(before);
  session.trainer.dispose();
});

it("the augment setting turns on the trainer's augmentation of D's clips", () => {
  expect(trainerOptions(defaultSettings).augment).toBe(false);
  expect(trainerOptions({ ...defaultSettings, augment: 'on' }).augment).toBe(true);
});

it('the page trains resize-convolutions with G at 1e-3 and Adam without momentum by default; the upsampling setting builds either kind', () => {
  expect(trainerOptions(defaultSettings)).toMatchObject({ upsample: 'resize', lrG: 1e-3, lrD: 2e-4, beta1: 0 });
  for (const [upsample, taps] of [
    ['resize', 3],
    ['transposed', 4],
  ] as const) {
    const settings = { ...defaultSettings, batchSize: 2, upsample, baseChannels: '8' as const };
    const session = new TrainingSession(settings, shapesSource(resolveConfig('tiny'), 2, 1));
    expect(session.trainer.model.upsample).toBe(upsample);
    expect(session.trainer.model.params.get('generator/foreground/video/kernel').shape.slice(0, 3)).toEqual([taps, taps, taps]);
    session.trainer.dispose();
  }
});

it("with G's weight average on, the samples are the average's, not the training model's", async () => {
  const settings = { ...defaultSettings, batchSize: 2, emaDecay: 0.5, baseChannels: '8' as const };
  const session = new TrainingSession(settings, shapesSource(resolveConfig('tiny'), 2, 1));
  expect(session.trainer.options.emaDecay).toBe(0.5);
  for (let i = 0; i < 2; i++) await session.step('both');
  const shown = await session.samples();
  const z = session.trainer.latent(GRID_SIZE, 'grid');
  const [average, trained] = [session.trainer.sampler, session.trainer.model].map((m) =>
    tf.tidy(() => m.generate(z, { training: true, freezeStatistics: true }).video.dataSync()),
  );
  z.dispose();
  const frame = shown[0].video.data.length;
  expect(shown[0].video.data).toEqual(average.slice(0, frame));
  expect(shown[0].video.data).not.toEqual(trained.slice(0, frame));
  session.dispose();
});
