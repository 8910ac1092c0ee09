// Our Sum and Mean (shaders/reduce_sum.wgsl) against tfjs's cpu backend: the reductions VGAN's training
// runs (batch-norm moments, a mask's gradient summed over colour channels, a static background's gradient
// summed over frames, losses), one- and two-pass, keepDims, negative axes; and that what we do not handle
// (axes that are not one block, int32) falls through to tfjs and still agrees.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/tf';
import '@tensorflow/tfjs-backend-cpu';
import { registerVganKernels } from '../../src/kernels';
import { agreesWithCpu, randomValues } from './kernels-helpers';

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-webgpu');
  expect(await tf.setBackend('webgpu')).toBe(true);
  registerVganKernels();
});

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

const cases: Array<{ shape: number[]; axis: number | number[]; keepDims?: boolean }> = [
  { shape: [8, 8, 16, 16, 3], axis: -1 }, // the mask's gradient: 16384 sums of 3
  { shape: [8, 8, 16, 16, 3], axis: 1 }, // the background's gradient: summed over frames
  { shape: [8, 4, 8, 8, 16], axis: [0, 1, 2, 3], keepDims: true }, // batch-norm moments: two passes
  { shape: [1, 1, 2048, 8], axis: [0, 1, 2] },
  { shape: [3, 5, 7], axis: [0, 1, 2] }, // everything, odd sizes
  { shape: [40000], axis: 0 }, // one long sum: two passes
  { shape: [5, 1, 9, 2], axis: [1, 2], keepDims: true },
  { shape: [7], axis: 0 },
];

describe.each(['Sum', 'Mean'])('%s', (name) => {
  cases.forEach((c, i) => {
    it(`${c.shape} over ${c.axis}${c.keepDims ? ', keepDims' : ''}`, async () => {
      const values = randomValues(size(c.shape), 10 + i);
      const op = () => {
        const x = tf.tensor(values, c.shape);
        return name === 'Sum' ? tf.sum(x, c.axis, c.keepDims) : tf.mean(x, c.axis, c.keepDims);
      };
      const { programs } = await agreesWithCpu(op);
      expect(programs.some((k) => k.startsWith('vgan_reduceSum'))).toBe(true);
    });
  });

  it.each<[string, () => tf.Tensor]>([
    ['axes that are not one block', () => tf.tensor(randomValues(60, 3), [3, 4, 5])],
    [
      'int32 values',
      () =>
        tf.tensor(
          Int32Array.from({ length: 60 }, (_, i) => i - 30),
          [3, 4, 5],
          'int32',
        ),
    ],
  ])('%s fall through to tfjs', async (_what, input) => {
    const op = () => (name === 'Sum' ? tf.sum(input(), [0, 2]) : tf.mean(input(), [0, 2]));
    const { programs } = await agreesWithCpu(op);
    expect(programs.filter((k) => k.startsWith('vgan_'))).toEqual([]);
  });
});

it('keeps no buffers of its own (the two-pass intermediate is freed)', async () => {
  await tf.setBackend('webgpu');
  const x = tf.randomUniform([8, 4, 8, 8, 16]);
  const warm = tf.sum(x, [0, 1, 2, 3]);
  await warm.data();
  warm.dispose();
  const backend = tf.backend();
  const before = backend.numDataIds();
  const s = tf.sum(x, [0, 1, 2, 3]);
  await s.data();
  expect(backend.numDataIds()).toBe(before + 1);
  s.dispose();
  expect(backend.numDataIds()).toBe(before);
  x.dispose();
});
