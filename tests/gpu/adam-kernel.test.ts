// The fused Adam step on webgpu (src/kernels/adam.ts, shaders/adam_update.wgsl) against src/train/adam.ts's
// op-by-op step on tfjs's cpu backend: parameters and both moments after three steps, nothing left behind,
// and the op-by-op path on webgpu when our kernels are not registered.
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import '@tensorflow/tfjs-backend-cpu';
import { registerVganKernels, unregisterVganKernels } from '../../src/kernels';
import { ADAM_UPDATE, hasAdamUpdate } from '../../src/kernels/adam';
import { Adam } from '../../src/train/adam';
import { randomValues, relativeError, usedPipelines } from './kernels-helpers';

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-webgpu');
  expect(await tf.setBackend('webgpu')).toBe(true);
  registerVganKernels();
});

afterAll(() => tf.setBackend('webgpu'));

// One element, odd sizes, a conv filter.
const shapes = [[1], [3, 5], [4, 4, 4, 17, 9], [100]];
const random = (shape: number[], seed: number) => tf.tensor(randomValues(tf.util.sizeFromShape(shape), seed), shape);

/** Three Adam steps on `backend` from the same start: the parameters, m and v after them, by name. */
async function threeSteps(backend: 'cpu' | 'webgpu') {
  await tf.setBackend(backend);
  const vars = new Map(shapes.map((s, i) => [`p${i}`, tf.variable(random(s, 10 + i))]));
  const opt = new Adam(0.01, 0.5);
  for (let step = 0; step < 3; step++) {
    const grads = new Map(shapes.map((s, i) => [`p${i}`, random(s, 100 * (step + 1) + i)]));
    opt.apply(vars, grads);
    tf.dispose([...grads.values()]);
  }
  const out = new Map<string, Float32Array>();
  for (const [name, v] of vars) out.set(name, Float32Array.from(await v.data()));
  const state = opt.state('');
  for (const [key, t] of state) if (key !== 'step') out.set(key, Float32Array.from(await t.data()));
  tf.dispose([...vars.values(), state.get('step')!]);
  opt.dispose();
  return out;
}

it('agrees with the op-by-op step on the cpu backend, parameters and moments', async () => {
  const want = await threeSteps('cpu');
  const got = await threeSteps('webgpu');
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  expect(got.size).toBe(3 * shapes.length);
  for (const [key, values] of want) expect(relativeError(got.get(key)!, values), key).toBeLessThan(1e-5);
  // Flat views: one pipeline per output whatever the parameters' ranks (tfjs appends shape details to a key).
  for (const out of ['m', 'v', 'p']) expect(usedPipelines().filter((k) => k.startsWith(`vgan_adamUpdate_${out}_`)), out).toHaveLength(1);
});

it('leaves no tensor behind', async () => {
  await tf.setBackend('webgpu');
  const w = tf.variable(random([8, 8], 1));
  const vars = new Map([['w', w]]);
  const opt = new Adam(0.01, 0.5);
  const g = random([8, 8], 2);
  opt.apply(vars, new Map([['w', g]])); // creates m and v
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) opt.apply(vars, new Map([['w', g]]));
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([w, g]);
  opt.dispose();
});

it('refuses operands of different shapes with a clear error', async () => {
  await tf.setBackend('webgpu');
  const [a, b] = [tf.zeros([3]), tf.zeros([4])];
  const attrs = { beta1: 0.5, beta2: 0.999, epsilon: 1e-8, stepSize: 0.01, correction2: 0.1 };
  expect(() => tf.engine().runKernel(ADAM_UPDATE, { g: a, m: a, v: a, p: b }, attrs)).toThrow(/must be float32 tensors of one shape/);
  tf.dispose([a, b]);
});

it('without our kernels, webgpu takes the op-by-op step', async () => {
  unregisterVganKernels();
  try {
    expect(hasAdamUpdate('webgpu')).toBe(false);
    const want = await threeSteps('cpu');
    const got = await threeSteps('webgpu');
    for (const [key, values] of want) expect(relativeError(got.get(key)!, values), key).toBeLessThan(1e-5);
  } finally {
    registerVganKernels();
  }
  expect(hasAdamUpdate('webgpu')).toBe(true);
  expect(hasAdamUpdate('cpu')).toBe(false);
});
