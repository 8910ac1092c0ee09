// Our conv3d kernels against tfjs's cpu backend on random shapes: forward, input gradient (the
// transposed conv) and filter gradient of each case. Relative error = max|gpu - cpu| / max(1, max|cpu|).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import '@tensorflow/tfjs-backend-cpu';
import { registerVganKernels, setKernelMode, type KernelMode } from '../../src/kernels';
import { compareBackends, randomValues, usedPipelines } from './kernels-helpers';

const TOL = 1e-4;

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-webgpu');
  expect(await tf.setBackend('webgpu')).toBe(true);
  registerVganKernels();
});

type Stride = number | [number, number, number];
interface Case {
  x: number[]; // [B, D, H, W, C]
  f: number[]; // [FD, FH, FW, C, OC]
  stride: Stride;
  pad: 'same' | 'valid';
}

// Odd sizes, channel counts that are not multiples of 4, strides that do not divide the filter,
// batch 1-3, and a one-element output.
const cases: Case[] = [
  { x: [1, 4, 4, 4, 3], f: [2, 2, 2, 3, 5], stride: 1, pad: 'valid' },
  { x: [2, 5, 7, 6, 3], f: [3, 3, 3, 3, 7], stride: 1, pad: 'same' },
  { x: [3, 8, 9, 7, 5], f: [4, 4, 4, 5, 6], stride: 2, pad: 'same' },
  { x: [1, 2, 4, 4, 9], f: [2, 4, 4, 9, 1], stride: 1, pad: 'valid' },
  { x: [2, 7, 5, 9, 2], f: [3, 2, 4, 2, 11], stride: [2, 1, 3], pad: 'same' },
  { x: [1, 9, 6, 5, 1], f: [3, 3, 2, 1, 13], stride: 2, pad: 'valid' },
  { x: [2, 6, 6, 6, 17], f: [4, 4, 4, 17, 3], stride: 2, pad: 'same' },
];

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
type Shape5 = [number, number, number, number, number];
const outShape = (c: Case) =>
  tf.tidy(() => tf.conv3d(tf.zeros(c.x as Shape5) as tf.Tensor5D, tf.zeros(c.f as Shape5) as tf.Tensor5D, c.stride, c.pad).shape);

export async function checkAllThree(c: Case, seed: number): Promise<void> {
  const y = outShape(c);
  const xIn = { shape: c.x, values: randomValues(size(c.x), seed + 1) };
  const wIn = { shape: c.f, values: randomValues(size(c.f), seed + 2) };
  const dyIn = { shape: y, values: randomValues(size(y), seed + 3) };
  const attrs = { strides: c.stride, pad: c.pad };

  const fwd = await compareBackends([xIn, wIn], (x, w) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, c.stride, c.pad));
  expect(fwd.shape).toEqual(fwd.cpuShape);
  expect(fwd.error, 'conv3d').toBeLessThan(TOL);

  const dx = await compareBackends([dyIn, wIn], (dy, w) =>
    tf.engine().runKernel('Conv3DBackpropInputV2', { dy, filter: w }, { ...attrs, inputShape: c.x }) as tf.Tensor,
  );
  expect(dx.shape).toEqual(c.x);
  expect(dx.error, 'Conv3DBackpropInputV2').toBeLessThan(TOL);

  const dw = await compareBackends([xIn, dyIn], (x, dy) =>
    tf.engine().runKernel('Conv3DBackpropFilterV2', { x, dy }, { ...attrs, filterShape: c.f }) as tf.Tensor,
  );
  expect(dw.shape).toEqual(c.f);
  expect(dw.error, 'Conv3DBackpropFilterV2').toBeLessThan(TOL);
}

// Both loop structures: 'direct' is what SwiftShader runs, 'shared' what GPUs run.
describe.each<KernelMode>(['direct', 'shared'])('conv3d kernels, %s loop, on random shapes', (mode) => {
  beforeAll(() => setKernelMode(mode));
  afterAll(() => setKernelMode('auto'));

  cases.forEach((c, i) => {
    it(`x ${c.x} filter ${c.f} stride ${c.stride} ${c.pad}`, async () => {
      await checkAllThree(c, 100 * i);
    });
  });

  it('ran our shaders, not the fallback', () => {
    const keys = usedPipelines();
    for (const name of ['conv3d', 'conv3dBackpropInput', 'conv3dBackpropFilter']) {
      expect(keys.some((k) => k.startsWith(`vgan_${name}_${mode}_`)), name).toBe(true);
    }
  });
});
