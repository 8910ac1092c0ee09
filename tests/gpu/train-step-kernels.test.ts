// One whole tiny-preset training iteration (a D update, then a G update) on webgpu with our conv3d
// kernels against the same iteration on tfjs's cpu backend: same losses, same updated weights.
// Relative error = max|gpu - cpu| / max(1, max|cpu|).
// One exception: the bias of a conv followed by BatchNorm has a zero gradient in exact arithmetic (the
// normalisation removes it), so both backends hand Adam rounding noise, whose first step is ±lr whatever
// the noise's size: those biases may differ by up to two steps.
import { beforeAll, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import '@tensorflow/tfjs-backend-cpu';
import { registerVganKernels } from '../../src/kernels';
import { architecture, convLayers, resolveConfig } from '../../src/model/config';
import { defaultTrainerOptions, Trainer, type IterationStats } from '../../src/train/trainer';
import { randomValues, relativeError, usedPipelines } from './kernels-helpers';

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-webgpu');
  expect(await tf.setBackend('webgpu')).toBe(true);
  registerVganKernels();
});

async function oneIteration(backend: 'cpu' | 'webgpu'): Promise<{ stats: IterationStats; weights: Map<string, Float32Array> }> {
  await tf.setBackend(backend);
  const trainer = new Trainer({ preset: 'tiny', seed: 11 });
  const { frames, size } = trainer.config;
  const shape: [number, number, number, number, number] = [2, frames, size, size, 3];
  const real = tf.tensor5d(randomValues(shape.reduce((a, b) => a * b), 5), shape);
  try {
    const stats = await trainer.step(real);
    const weights = new Map<string, Float32Array>();
    for (const network of ['generator', 'discriminator'] as const) {
      for (const [name, v] of trainer.model.variables(network)) weights.set(`${network}/${name}`, (await v.data()) as Float32Array);
    }
    return { stats, weights };
  } finally {
    real.dispose();
    trainer.dispose();
  }
}

it('a tiny training iteration on webgpu matches the cpu backend', async () => {
  const cpu = await oneIteration('cpu');
  const gpu = await oneIteration('webgpu');
  expect(usedPipelines().some((k) => k.startsWith('vgan_conv3dBackpropFilter'))).toBe(true);

  const losses = ['dLossReal', 'dLossFake', 'gLoss', 'gAdversarial', 'maskMean'] as const;
  for (const name of losses) {
    const err = Math.abs(gpu.stats[name] - cpu.stats[name]) / Math.max(1, Math.abs(cpu.stats[name]));
    expect(err, name).toBeLessThan(1e-4);
  }
  expect([...gpu.weights.keys()]).toEqual([...cpu.weights.keys()]);
  const normalised = convLayers(architecture(resolveConfig('tiny'))).filter((l) => l.batchNorm);
  const noiseOnly = (name: string) => normalised.some((l) => name.endsWith(`${l.network}/${l.name}/bias`));
  const oneStep = Math.max(defaultTrainerOptions.lrD, defaultTrainerOptions.lrG);
  let worst = { name: '', error: 0 };
  for (const [name, want] of cpu.weights) {
    const error = relativeError(gpu.weights.get(name)!, want);
    if (noiseOnly(name)) expect(error, name).toBeLessThanOrEqual(2 * oneStep + 1e-6);
    else if (error > worst.error) worst = { name, error };
  }
  const pairs = losses.map((n) => `${n} ${cpu.stats[n].toFixed(5)}/${gpu.stats[n].toFixed(5)}`).join(', ');
  console.log(`losses cpu/webgpu: ${pairs}; worst weight ${worst.name} ${worst.error.toExponential(2)}`);
  expect(worst.error, worst.name).toBeLessThan(1e-4);
});
