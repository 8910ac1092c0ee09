// Two whole tiny-preset training iterations (a D update, then a G update, each) of every model kind on
// webgpu with our conv3d kernels against the same iterations on tfjs's cpu backend: same losses, same
// updated weights, and no WebGPU validation error (Dawn drops a command buffer it cannot validate silently).
// Relative error = max|gpu - cpu| / max(1, max|cpu|).
// One exception: the bias of a conv followed by BatchNorm has a zero gradient in exact arithmetic (the
// normalisation removes it), so both backends hand Adam rounding noise, whose first step is ±lr whatever
// the noise's size: those biases may differ by up to two steps.
import { beforeAll, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import '@tensorflow/tfjs-backend-cpu';
import { registerVganKernels } from '../../src/kernels';
import { onGpuError } from '../../src/gpu-watch';
import { architecture, convLayers, resolveConfig } from '../../src/model/config';
import { defaultTrainerOptions, Trainer, type IterationStats, type TrainerOptions } from '../../src/train/trainer';
import { randomValues, relativeError, usedPipelines } from './kernels-helpers';

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-webgpu');
  expect(await tf.setBackend('webgpu')).toBe(true);
  registerVganKernels();
});

const ITERATIONS = 2;
// The fourth case shows D augmented clips (src/train/augment.ts: pads, per-clip slices, a concat of the batch);
// the last trains resize-convolutions (src/model/resize.ts: each kernel expanded by a matMul).
const KINDS: Array<Pick<TrainerOptions, 'kind' | 'generator' | 'augment' | 'upsample'>> = [
  { kind: 'unconditional', generator: 'twoStream', augment: false, upsample: 'transposed' },
  { kind: 'unconditional', generator: 'oneStream', augment: false, upsample: 'transposed' },
  { kind: 'future', generator: 'twoStream', augment: false, upsample: 'transposed' },
  { kind: 'unconditional', generator: 'twoStream', augment: true, upsample: 'transposed' },
  { kind: 'unconditional', generator: 'twoStream', augment: false, upsample: 'resize' },
];

interface Run {
  /** Each iteration's losses. */
  stats: IterationStats[];
  /** Weights after the first iteration and after the last. */
  weights: Array<Map<string, Float32Array>>;
}

async function iterations(backend: 'cpu' | 'webgpu', model: (typeof KINDS)[number]): Promise<Run> {
  await tf.setBackend(backend);
  const trainer = new Trainer({ preset: 'tiny', seed: 11, ...model });
  const { frames, size } = trainer.config;
  const shape: [number, number, number, number, number] = [2, frames, size, size, 3];
  const real = tf.tensor5d(
    randomValues(
      shape.reduce((a, b) => a * b),
      5,
    ),
    shape,
  );
  const snapshot = async () => {
    const weights = new Map<string, Float32Array>();
    for (const network of ['generator', 'discriminator'] as const) {
      for (const [name, v] of trainer.model.variables(network)) weights.set(`${network}/${name}`, (await v.data()) as Float32Array);
    }
    return weights;
  };
  try {
    const run: Run = { stats: [], weights: [] };
    for (let i = 0; i < ITERATIONS; i++) {
      run.stats.push(await trainer.step(real));
      if (i === 0 || i === ITERATIONS - 1) run.weights.push(await snapshot());
    }
    return run;
  } finally {
    real.dispose();
    trainer.dispose();
  }
}

const validationErrors: string[] = [];
beforeAll(async () => {
  await tf.setBackend('webgpu');
  onGpuError((message) => validationErrors.push(message));
});

it.each(KINDS)(
  'two tiny training iterations of the $kind $generator model (augment $augment, $upsample) on webgpu match the cpu backend',
  async (model) => {
    const cpu = await iterations('cpu', model);
    const gpu = await iterations('webgpu', model);
    expect(usedPipelines().some((k) => k.startsWith('vgan_conv3dBackpropFilter'))).toBe(true);
    expect(validationErrors).toEqual([]);

    const losses = ['dLossReal', 'dLossFake', 'gLoss', 'gAdversarial', 'maskMean', 'reconstruction'] as const;
    cpu.stats.forEach((want, i) => {
      for (const name of losses) {
        const err = Math.abs(gpu.stats[i][name] - want[name]) / Math.max(1, Math.abs(want[name]));
        expect(err, `iteration ${i} ${name}`).toBeLessThan(1e-4);
      }
    });
    const normalised = convLayers(architecture(resolveConfig('tiny'), model.kind)).filter((l) => l.batchNorm);
    const noiseOnly = (name: string) => normalised.some((l) => name.endsWith(`${l.network}/${l.name}/bias`));
    const oneStep = Math.max(defaultTrainerOptions.lrD, defaultTrainerOptions.lrG);
    // Adam's first steps are ±lr whatever the gradient's size, so a weight whose gradient is at float32's
    // noise floor on both backends (e.g. the biases BatchNorm cancels) may differ by whole steps. Every other
    // weight agrees to float32 noise; a dropped command buffer or a wrong kernel moves far more of them, and
    // the losses above by more than 1e-4. So: at most 0.1% of a tensor's entries beyond float noise, and by
    // no more than Adam's steps.
    cpu.weights.forEach((weights, k) => {
      expect([...gpu.weights[k].keys()]).toEqual([...weights.keys()]);
      const steps = k === 0 ? 1 : ITERATIONS;
      const adamSteps = 2 * steps * oneStep + 1e-6;
      let worst = { name: '', error: 0, off: 0 };
      for (const [name, want] of weights) {
        const got = gpu.weights[k].get(name)!;
        const error = relativeError(got, want);
        const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
        const off = want.filter((v, i) => Math.abs(got[i] - v) / scale > 1e-4).length;
        expect(error, name).toBeLessThanOrEqual(adamSteps);
        if (noiseOnly(name)) continue;
        expect(off, `${name}: entries beyond float noise`).toBeLessThanOrEqual(Math.ceil(want.length / 1000));
        if (error > worst.error) worst = { name, error, off };
      }
      console.log(
        `${model.kind} ${model.generator}${model.augment ? ', augmented' : ''}, ${model.upsample}, after ${steps} iteration(s): worst weight ${worst.name} ${worst.error.toExponential(2)} (${worst.off} entries beyond 1e-4)`,
      );
    });
  },
);
